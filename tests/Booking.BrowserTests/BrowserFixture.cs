using Booking.Testing;
using Microsoft.Playwright;

namespace Booking.BrowserTests;

/// <summary>
/// Debian's headless Chromium driven by Playwright, and a standalone process for it to browse. Playwright's own
/// browser download is never used: the browser is <c>/usr/bin/chromium</c> (or <c>BOOKING_CHROMIUM</c>), installed
/// with <c>apt-get install chromium</c>, which the project's test script does.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string DefaultChromium = "/usr/bin/chromium";

    // As root in a container or CI there is no sandbox; the rest keep Chromium off a network it cannot reach.
    private static readonly string[] ChromiumArgs =
    [
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync",
    ];

    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), $"booking-browser-{Guid.NewGuid():N}");
    private IPlaywright? _playwright;

    public StandaloneProcess Standalone { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>Where screenshots go: <c>BOOKING_TEST_ARTIFACTS</c>, or <c>TestResults/artifacts</c> in this project.</summary>
    public string ArtifactsDirectory { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var chromium = Environment.GetEnvironmentVariable("BOOKING_CHROMIUM") is { Length: > 0 } path ? path : DefaultChromium;
        if (!File.Exists(chromium))
        {
            throw new InvalidOperationException(
                $"Chromium is not installed at {chromium}. The browser tests use Debian's Chromium: run " +
                "`apt-get update && apt-get install -y chromium` (scripts/test.sh does this), or set BOOKING_CHROMIUM to a Chromium binary.");
        }

        // Actions wait up to 15 s (below); assertions get as long, since the first hold on a busy 2-core machine is slow.
        Assertions.SetDefaultExpectTimeout(15_000);
        var build = StandaloneBuild.Of(typeof(BrowserFixture).Assembly);
        ArtifactsDirectory = Environment.GetEnvironmentVariable("BOOKING_TEST_ARTIFACTS") is { Length: > 0 } artifacts
            ? artifacts
            : Path.Combine(build.TestProjectDirectory, "TestResults", "artifacts");
        Directory.CreateDirectory(ArtifactsDirectory);

        Standalone = await StandaloneProcess.StartAsync(build, _dataDirectory);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = chromium,
            Headless = true,
            Args = ChromiumArgs,
        });
    }

    /// <summary>A new browser profile (cookies, storage): one customer.</summary>
    public async Task<IPage> NewCustomerPageAsync(int width = 1280, int height = 1000)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = Standalone.BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = width, Height = height },
            Locale = "en-GB",
            TimezoneId = "UTC",
        });
        context.SetDefaultTimeout(15_000);
        return await context.NewPageAsync();
    }

    public string Artifact(string name) => Path.Combine(ArtifactsDirectory, name);

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (Standalone is not null)
        {
            await Standalone.DisposeAsync();
        }

        if (Directory.Exists(_dataDirectory))
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
    }
}

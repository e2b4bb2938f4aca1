using System.Diagnostics;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;

namespace Booking.Testing;

/// <summary>Where the build put Booking.Standalone: recorded in a test assembly by <c>StandaloneBuild.targets</c>.</summary>
/// <param name="Dll">The built <c>Booking.Standalone.dll</c>.</param>
/// <param name="Project">Its project file.</param>
/// <param name="Configuration">The build configuration (Debug, Release).</param>
/// <param name="TestProjectDirectory">The test project's own folder, for its artifacts.</param>
public sealed record StandaloneBuild(string Dll, string Project, string Configuration, string TestProjectDirectory)
{
    public static StandaloneBuild Of(Assembly testAssembly)
    {
        var metadata = testAssembly.GetCustomAttributes<AssemblyMetadataAttribute>().ToDictionary(a => a.Key, a => a.Value ?? "");
        string Get(string key) => metadata.TryGetValue(key, out var value) && value != ""
            ? value
            : throw new InvalidOperationException($"{testAssembly.GetName().Name} has no {key}: import tests/Booking.Testing/StandaloneBuild.targets in its project.");
        return new StandaloneBuild(
            Get("BookingStandaloneDll"), Get("BookingStandaloneProject"), Get("BookingBuildConfiguration"), Get("BookingTestProjectDirectory"));
    }
}

/// <summary>
/// Booking.Standalone started as a real operating-system process, the way a person starts it: on a port the system
/// picks (<c>--urls http://127.0.0.1:0</c>), with its SQLite file in <see cref="DataDirectory"/>, ready once it prints
/// its URL. <see cref="Kill"/> ends it with SIGKILL, as a crash would.
/// </summary>
public sealed partial class StandaloneProcess : IBookingSystem, IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    // Names the test runner may carry (scripts/test.sh exports them for the distributed tests) that would switch the
    // standalone to real servers.
    private static readonly string[] ServerVariables =
        ["ConnectionStrings__Postgres", "ConnectionStrings__Redis", "ConnectionStrings__RabbitMq"];

    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource<Uri> _url = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private StandaloneProcess(Process process, string dataDirectory)
    {
        _process = process;
        DataDirectory = dataDirectory;
    }

    /// <summary>Where the SQLite file lives; it outlives the process, so a new one can start on the same data.</summary>
    public string DataDirectory { get; }

    /// <summary>The URL the process printed, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Everything the process wrote to standard output and standard error so far.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }


    /// <summary>
    /// Starts the built standalone with <c>dotnet path/to/Booking.Standalone.dll</c> in <paramref name="dataDirectory"/>
    /// (its default <c>booking.db</c> lands there), or with the README's own command,
    /// <c>dotnet run --project Booking.Standalone</c> (without building again) when <paramref name="viaDotnetRun"/>,
    /// with the database file named in <paramref name="dataDirectory"/>.
    /// </summary>
    public static async Task<StandaloneProcess> StartAsync(
        StandaloneBuild build, string dataDirectory, bool viaDotnetRun = false, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = viaDotnetRun ? Path.GetDirectoryName(build.Project)! : dataDirectory,
        };
        if (viaDotnetRun)
        {
            foreach (var arg in new[] { "run", "--project", build.Project, "--no-build", "--configuration", build.Configuration, "--" })
            {
                start.ArgumentList.Add(arg);
            }
        }
        else
        {
            start.ArgumentList.Add(build.Dll);
        }

        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add("http://127.0.0.1:0");
        foreach (var name in ServerVariables)
        {
            start.Environment.Remove(name);
        }

        Directory.CreateDirectory(dataDirectory);
        if (viaDotnetRun)
        {
            start.Environment["ConnectionStrings__Sqlite"] = $"Data Source={Path.Combine(dataDirectory, "booking.db")}";
        }

        start.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var standalone = new StandaloneProcess(process, dataDirectory);
        process.OutputDataReceived += (_, e) => standalone.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => standalone.OnLine(e.Data);
        process.Exited += (_, _) => standalone._url.TrySetException(
            new InvalidOperationException($"The standalone process exited (code {process.ExitCode}) before printing its URL:\n{standalone.Output}"));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            standalone.BaseAddress = await standalone._url.Task.WaitAsync(StartTimeout);
        }
        catch (TimeoutException)
        {
            standalone.Kill();
            throw new TimeoutException($"The standalone process printed no URL within {StartTimeout}:\n{standalone.Output}");
        }

        return standalone;
    }

    public HttpClient CreateAnonymousClient() => new() { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };

    public async Task<BookingClient> ClientAsync(string subject, params string[] roles)
    {
        var http = CreateAnonymousClient();
        await TestTokens.AuthorizeAsync(http, subject, roles);
        return new BookingClient(http);
    }

    /// <summary>Ends the process and its children at once with SIGKILL: no shutdown code runs, as in a crash.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.WaitForExit();
    }

    public ValueTask DisposeAsync()
    {
        Kill();
        _process.Dispose();
        return ValueTask.CompletedTask;
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }

        if (SeatMapLine().Match(line) is { Success: true } match)
        {
            _url.TrySetResult(new Uri(match.Groups["url"].Value));
        }
    }

    [GeneratedRegex(@"Seat map:\s+(?<url>https?://\S+)")]
    private static partial Regex SeatMapLine();
}

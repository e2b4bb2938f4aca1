using Booking.Testing;

namespace Booking.Standalone.Tests;

/// <summary>
/// The standalone host started in-process on the test server, with its own SQLite file in a temporary folder and no
/// server at all: whatever servers the environment names are switched off, so this is the zero-dependency run.
/// </summary>
public sealed class StandaloneFixture : IBookingSystem, IAsyncLifetime
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), $"booking-standalone-{Guid.NewGuid():N}");

    public ServiceHost<StandaloneApp> Host { get; private set; } = null!;

    /// <summary>The SQLite connection string of this fixture's database.</summary>
    public string Sqlite => $"Data Source={Path.Combine(_dataDirectory, "booking.db")}";

    public Task InitializeAsync()
    {
        Directory.CreateDirectory(_dataDirectory);
        Host = new ServiceHost<StandaloneApp>(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Sqlite"] = Sqlite,
            ["ConnectionStrings:Postgres"] = "",
            ["ConnectionStrings:Redis"] = "",
            ["ConnectionStrings:RabbitMq"] = "",
            ["Auth:SigningKey"] = TestTokens.SigningKey,
            ["Auth:DevTokens"] = "true",
            ["Standalone:DemoShowtime"] = "false",
            ["Worker:Sweeper:IntervalSeconds"] = "0.5",
            ["Logging:LogLevel:Default"] = Environment.GetEnvironmentVariable("BOOKING_TEST_LOG_LEVEL") ?? "Warning",
        });
        _ = Host.Server;
        return Task.CompletedTask;
    }

    public async Task<BookingClient> ClientAsync(string subject, params string[] roles)
    {
        var http = Host.CreateClient();
        await TestTokens.AuthorizeAsync(http, subject, roles);
        return new BookingClient(http);
    }

    public HttpClient CreateAnonymousClient() => Host.CreateClient();

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dataDirectory, recursive: true);
    }
}

using System.Net.Http.Json;
using System.Text.Json;
using Booking.Testing;
using Microsoft.Data.Sqlite;

namespace Booking.Standalone.Tests;

/// <summary>
/// The standalone's demo showtime: created on the first start, kept while it is still to come, and created again once
/// it has started (its sale closed then), so a kept database always has something to book.
/// </summary>
public sealed class DemoShowtimeTests : IDisposable
{
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("booking-demo-").FullName;

    private string Sqlite => $"Data Source={Path.Combine(_dataDirectory, "booking.db")}";

    [Fact]
    public async Task Should_create_a_demo_showtime_on_the_first_start_and_again_once_the_last_one_has_started()
    {
        var first = await StartsAtOfShowtimesAfterAStartAsync();
        var again = await StartsAtOfShowtimesAfterAStartAsync();
        await using (var connection = new SqliteConnection(Sqlite))
        {
            await connection.OpenAsync();
            await using var started = connection.CreateCommand();
            started.CommandText = "UPDATE showtimes SET starts_at = '2020-01-01 20:00:00'";
            Assert.Equal(1, await started.ExecuteNonQueryAsync());
        }

        var afterItStarted = await StartsAtOfShowtimesAfterAStartAsync();

        var upcoming = Assert.Single(first);
        Assert.True(upcoming > DateTimeOffset.UtcNow, $"the demo showtime should be still to come: {upcoming:O}");
        Assert.Equal(first, again);
        Assert.Equal(2, afterItStarted.Count);
        Assert.Single(afterItStarted, startsAt => startsAt > DateTimeOffset.UtcNow);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dataDirectory, recursive: true);
    }

    private async Task<List<DateTimeOffset>> StartsAtOfShowtimesAfterAStartAsync()
    {
        await using var host = new ServiceHost<StandaloneApp>(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Sqlite"] = Sqlite,
            ["ConnectionStrings:Postgres"] = "",
            ["ConnectionStrings:Redis"] = "",
            ["ConnectionStrings:RabbitMq"] = "",
            ["Auth:SigningKey"] = TestTokens.SigningKey,
            ["Logging:LogLevel:Default"] = "Warning",
        });
        using var http = host.CreateClient();
        var showtimes = await http.GetFromJsonAsync<JsonElement>("/api/showtimes");
        return [.. showtimes.EnumerateArray().Select(s => s.GetProperty("startsAt").GetDateTimeOffset()).Order()];
    }
}

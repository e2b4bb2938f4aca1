using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Booking.Testing;

namespace Booking.Standalone.Tests;

/// <summary>
/// The standalone as a person runs it: a real process with its SQLite file, on a port the system picks, used through
/// HTTP only, and killed the hard way.
/// </summary>
public sealed class StandaloneProcessTests : IDisposable
{
    private static readonly TimeSpan OutcomeTimeout = TimeSpan.FromSeconds(30);

    private readonly StandaloneBuild _build = StandaloneBuild.Of(typeof(StandaloneProcessTests).Assembly);
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), $"booking-standalone-{Guid.NewGuid():N}");

    [Fact]
    public async Task Should_print_its_url_and_sell_seats_to_a_scripted_client_when_started_with_dotnet_run()
    {
        await using var standalone = await StandaloneProcess.StartAsync(_build, _dataDirectory, viaDotnetRun: true);
        using var alice = await standalone.ClientAsync("alice");

        var showtimes = await alice.Http.GetFromJsonAsync<JsonElement>("/api/showtimes");
        var demo = Assert.Single(showtimes.EnumerateArray());
        var showtimeId = demo.GetProperty("id").GetGuid();
        var bookingId = await alice.HoldAcceptedAsync(showtimeId, "C5", "C6");
        Assert.Equal("held", await alice.WaitForStatusAsync(bookingId, OutcomeTimeout));
        Assert.Equal(HttpStatusCode.Accepted, (await alice.ConfirmAsync(bookingId)).StatusCode);

        var booking = await alice.WaitForBookingAsync(bookingId, OutcomeTimeout, "held");
        Assert.Equal("confirmed", booking.GetProperty("status").GetString());
        Assert.Matches(@"Seat map:\s+http://127\.0\.0\.1:\d+/", standalone.Output);
        var page = await alice.Http.GetAsync("/");
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Should_keep_confirmed_bookings_when_the_process_is_killed_and_started_again()
    {
        Guid showtimeId;
        Guid bookingId;
        await using (var first = await StandaloneProcess.StartAsync(_build, _dataDirectory))
        {
            using var admin = await first.ClientAsync("admin", "admin");
            using var alice = await first.ClientAsync("alice");
            showtimeId = await admin.CreateShowtimeIdAsync(null, ("A", 4));
            bookingId = await alice.HoldAcceptedAsync(showtimeId, "A1", "A2");
            Assert.Equal("held", await alice.WaitForStatusAsync(bookingId, OutcomeTimeout));
            await alice.ConfirmAsync(bookingId);
            Assert.Equal("confirmed", (await alice.WaitForBookingAsync(bookingId, OutcomeTimeout, "held")).GetProperty("status").GetString());

            first.Kill();
        }

        Assert.True(File.Exists(Path.Combine(_dataDirectory, "booking.db")), "booking.db is in the working directory");
        await using var second = await StandaloneProcess.StartAsync(_build, _dataDirectory);
        using var aliceAgain = await second.ClientAsync("alice");
        using var bob = await second.ClientAsync("bob");

        var booking = await aliceAgain.GetBookingAsync(bookingId);
        Assert.Equal("confirmed", booking.GetProperty("status").GetString());
        Assert.Equal(["A1", "A2"], booking.GetProperty("seats").EnumerateArray().Select(s => s.GetString()));
        var seatMap = await bob.GetSeatMapAsync(showtimeId);
        Assert.Equal(["sold", "sold", "available", "available"],
            seatMap.GetProperty("seats").EnumerateArray().Select(s => s.GetProperty("status").GetString()));
        Assert.NotEqual("held", await HoldOutcomeAsync(bob, showtimeId, "A2"));
    }

    [Fact]
    public async Task Should_create_the_demo_showtime_only_when_the_database_is_new()
    {
        await using (var first = await StandaloneProcess.StartAsync(_build, _dataDirectory))
        {
            using var anonymous = first.CreateAnonymousClient();
            Assert.Single((await anonymous.GetFromJsonAsync<JsonElement>("/api/showtimes")).EnumerateArray());
            first.Kill();
        }

        await using var second = await StandaloneProcess.StartAsync(_build, _dataDirectory);
        using var client = second.CreateAnonymousClient();

        var showtimes = await client.GetFromJsonAsync<JsonElement>("/api/showtimes");
        var demo = Assert.Single(showtimes.EnumerateArray());
        Assert.True(demo.GetProperty("totalSeats").GetInt32() > 50, $"the demo showtime is a real hall: {demo}");
    }

    public void Dispose()
    {
        if (Directory.Exists(_dataDirectory))
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
    }

    /// <summary>A sold seat stays sold: the gate answers 409 at once, or the worker rejects the request.</summary>
    private static async Task<string> HoldOutcomeAsync(BookingClient client, Guid showtimeId, string seat)
    {
        var response = await client.HoldAsync(showtimeId, seat);
        if (response.StatusCode == HttpStatusCode.Conflict)
        {
            return "conflict";
        }

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var bookingId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("bookingId").GetGuid();
        return await client.WaitForStatusAsync(bookingId, OutcomeTimeout);
    }
}

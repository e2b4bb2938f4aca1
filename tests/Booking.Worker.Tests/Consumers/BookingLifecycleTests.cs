using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Booking.Testing;

namespace Booking.Worker.Tests.Consumers;

/// <summary>Confirm, cancel, expiry and access through the public API, each ending with the database invariants.</summary>
[Collection(SystemCollection.Name)]
public sealed class BookingLifecycleTests(BookingSystemFixture system)
{
    [Fact]
    public async Task Should_sell_the_seats_when_the_owner_confirms_a_hold()
    {
        using var admin = await system.ClientAsync("admin", "admin");
        using var alice = await system.ClientAsync("alice");
        var showtimeId = await admin.CreateShowtimeIdAsync(null, ("A", 4));
        var bookingId = await alice.HoldAcceptedAsync(showtimeId, "A1", "A2");
        await alice.WaitForStatusAsync(bookingId);

        var response = await alice.ConfirmAsync(bookingId);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var booking = await alice.WaitForBookingAsync(bookingId, null, "pending", "held");
        Assert.Equal("confirmed", booking.GetProperty("status").GetString());
        Assert.Equal(2, booking.GetProperty("version").GetInt64());
        Assert.Equal(["sold", "sold", "available", "available"], await SeatStatusesAsync(alice, showtimeId));
        await Invariants.AssertHoldAsync(system.Postgres, showtimeId, [bookingId]);
    }

    [Fact]
    public async Task Should_refuse_sold_seats_at_the_gate_when_a_confirmed_hold_would_have_lapsed()
    {
        using var admin = await system.ClientAsync("admin", "admin");
        using var alice = await system.ClientAsync("alice");
        using var bob = await system.ClientAsync("bob");
        var showtimeId = await admin.CreateShowtimeIdAsync(null, ("A", 2));
        var bookingId = await alice.HoldAcceptedAsync(showtimeId, "A1");
        await alice.WaitForStatusAsync(bookingId);
        await alice.ConfirmAsync(bookingId);
        await alice.WaitForBookingAsync(bookingId, null, "pending", "held");

        // The gate is told after the commit and the events, so the status may show a moment before the lock changes.
        var key = $"seat:{{{showtimeId:N}}}:A1";
        await BookingSystemFixture.WaitUntilAsync(() => system.Redis.KeyTimeToLive(key) is null, TimeSpan.FromSeconds(5));
        var response = await bob.HoldAsync(showtimeId, "A1");

        Assert.True(await system.Redis.KeyExistsAsync(key));
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
    }

    [Fact]
    public async Task Should_free_the_seats_when_the_owner_cancels_a_hold()
    {
        using var admin = await system.ClientAsync("admin", "admin");
        using var alice = await system.ClientAsync("alice");
        using var bob = await system.ClientAsync("bob");
        var showtimeId = await admin.CreateShowtimeIdAsync(null, ("A", 3));
        var bookingId = await alice.HoldAcceptedAsync(showtimeId, "A1", "A2");
        await alice.WaitForStatusAsync(bookingId);

        var response = await alice.CancelAsync(bookingId);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("cancelled", (await alice.WaitForBookingAsync(bookingId, null, "pending", "held")).GetProperty("status").GetString());
        Assert.Equal(["available", "available", "available"], await SeatStatusesAsync(alice, showtimeId));
        var bobsBooking = await bob.HoldAcceptedOnceFreedAsync(showtimeId, "A1", "A2");
        Assert.Equal("held", await bob.WaitForStatusAsync(bobsBooking));
        await Invariants.AssertHoldAsync(system.Postgres, showtimeId, [bookingId, bobsBooking]);
    }

    [Fact]
    public async Task Should_expire_the_hold_and_free_the_seats_when_its_time_runs_out()
    {
        using var admin = await system.ClientAsync("admin", "admin");
        using var alice = await system.ClientAsync("alice");
        var showtimeId = await admin.CreateShowtimeIdAsync(10, ("A", 2));
        var bookingId = await alice.HoldAcceptedAsync(showtimeId, "A1");
        var held = await alice.WaitForBookingAsync(bookingId);
        Assert.Equal("held", held.GetProperty("status").GetString());

        var expired = await alice.WaitForBookingAsync(bookingId, TimeSpan.FromSeconds(30), "pending", "held");

        Assert.Equal("expired", expired.GetProperty("status").GetString());
        Assert.True(DateTimeOffset.UtcNow >= held.GetProperty("holdExpiresAt").GetDateTimeOffset());
        Assert.Equal(["available", "available"], await SeatStatusesAsync(alice, showtimeId));
        // The gate is opened right after the commit that the status above comes from.
        await BookingSystemFixture.WaitUntilAsync(() => !system.Redis.KeyExists($"seat:{{{showtimeId:N}}}:A1"), TimeSpan.FromSeconds(10));
        await Invariants.AssertHoldAsync(system.Postgres, showtimeId, [bookingId]);
    }

    [Fact]
    public async Task Should_reject_with_reason_expired_when_confirmed_after_the_hold_lapsed()
    {
        using var admin = await system.ClientAsync("admin", "admin");
        using var alice = await system.ClientAsync("alice");
        var showtimeId = await admin.CreateShowtimeIdAsync(10, ("A", 2));
        var bookingId = await alice.HoldAcceptedAsync(showtimeId, "A1");
        var held = await alice.WaitForBookingAsync(bookingId);
        // The fixture's sweeper waits a grace of seconds past expiry, so the confirm meets a lapsed hold still 'held'.
        await Task.Delay(TimeSpan.FromTicks(Math.Max(0, (held.GetProperty("holdExpiresAt").GetDateTimeOffset() - DateTimeOffset.UtcNow + TimeSpan.FromMilliseconds(200)).Ticks)));

        var response = await alice.ConfirmAsync(bookingId);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var booking = await alice.WaitForBookingAsync(bookingId, null, "pending", "held");
        Assert.Equal(("rejected", "expired"), (booking.GetProperty("status").GetString(), booking.GetProperty("reason").GetString()));
        Assert.Equal(["available", "available"], await SeatStatusesAsync(alice, showtimeId));
        await Invariants.AssertHoldAsync(system.Postgres, showtimeId, [bookingId]);
    }

    [Fact]
    public async Task Should_answer_404_when_another_customer_reads_confirms_or_cancels_a_booking()
    {
        using var admin = await system.ClientAsync("admin", "admin");
        using var alice = await system.ClientAsync("alice");
        using var mallory = await system.ClientAsync("mallory");
        var showtimeId = await admin.CreateShowtimeIdAsync(null, ("A", 2));
        var bookingId = await alice.HoldAcceptedAsync(showtimeId, "A1");
        await alice.WaitForStatusAsync(bookingId);

        var read = await mallory.GetBookingResponseAsync(bookingId);
        var confirm = await mallory.ConfirmAsync(bookingId);
        var cancel = await mallory.CancelAsync(bookingId);
        var adminRead = await admin.GetBookingResponseAsync(bookingId);

        Assert.Equal([HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.NotFound], new[] { read.StatusCode, confirm.StatusCode, cancel.StatusCode });
        Assert.Equal(HttpStatusCode.OK, adminRead.StatusCode);
        Assert.Equal("held", await alice.WaitForStatusAsync(bookingId));
        await Invariants.AssertHoldAsync(system.Postgres, showtimeId, [bookingId]);
    }

    [Fact]
    public async Task Should_hold_each_seat_once_when_1000_requests_with_overlapping_picks_arrive_at_once()
    {
        using var admin = await system.ClientAsync("admin", "admin");
        var showtimeId = await admin.CreateShowtimeIdAsync(null, ("A", 10), ("B", 10), ("C", 10), ("D", 10), ("E", 10));
        using var http = system.Ingress.CreateClient();
        var tokens = await Task.WhenAll(Enumerable.Range(0, 100).Select(i => TestTokens.MintAsync(http, $"buyer-{i}")));
        var random = new Random(7);
        var rows = new[] { "A", "B", "C", "D", "E" };
        var requests = Enumerable.Range(0, 1000).Select(i =>
        {
            var row = rows[random.Next(rows.Length)];
            var start = random.Next(1, 9);
            var seats = Enumerable.Range(start, random.Next(1, 4)).Select(n => $"{row}{n}").ToArray();
            return (Token: tokens[i % tokens.Length], Seats: seats);
        }).ToList();

        var responses = await Task.WhenAll(requests.Select(async r =>
        {
            using var message = new HttpRequestMessage(HttpMethod.Post, $"/api/showtimes/{showtimeId}/holds") { Content = JsonContent.Create(new { seats = r.Seats }) };
            message.Headers.Authorization = new("Bearer", r.Token);
            var response = await http.SendAsync(message);
            var body = await response.Content.ReadFromJsonAsync<JsonElement>();
            return (response.StatusCode, BookingId: response.StatusCode == HttpStatusCode.Accepted ? body.GetProperty("bookingId").GetGuid() : Guid.Empty, r.Token);
        }));

        Assert.All(responses, r => Assert.Contains(r.StatusCode, new[] { HttpStatusCode.Accepted, HttpStatusCode.Conflict }));
        var accepted = responses.Where(r => r.StatusCode == HttpStatusCode.Accepted).ToList();
        Assert.NotEmpty(accepted);
        var outcomes = await Task.WhenAll(accepted.Select(async a =>
        {
            using var reader = system.Ingress.CreateClient();
            reader.DefaultRequestHeaders.Authorization = new("Bearer", a.Token);
            return await new BookingClient(reader).WaitForStatusAsync(a.BookingId, TimeSpan.FromSeconds(60));
        }));
        Assert.All(outcomes, status => Assert.Contains(status, new[] { "held", "rejected" }));
        await Invariants.AssertHoldAsync(system.Postgres, showtimeId, [.. accepted.Select(a => a.BookingId)]);
    }

    private static async Task<string[]> SeatStatusesAsync(BookingClient client, Guid showtimeId) =>
        [.. (await client.GetSeatMapAsync(showtimeId)).GetProperty("seats").EnumerateArray().Select(s => s.GetProperty("status").GetString() ?? "")];
}

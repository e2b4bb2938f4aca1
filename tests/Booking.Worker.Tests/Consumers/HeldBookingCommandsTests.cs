using System.Net;
using Booking.Testing;

namespace Booking.Worker.Tests.Consumers;

/// <summary>Confirms and cancels that arrive together are applied in batches, each to its own outcome.</summary>
[Collection(SystemCollection.Name)]
public sealed class HeldBookingCommandsTests(BookingSystemFixture system)
{
    [Fact]
    public async Task Should_give_each_confirm_and_cancel_its_own_outcome_when_many_arrive_at_once_on_one_showtime()
    {
        const int Buyers = 30;
        using var admin = await system.ClientAsync("admin", "admin");
        var showtimeId = await admin.CreateShowtimeIdAsync(null, ("A", Buyers));
        var buyers = await Task.WhenAll(Enumerable.Range(1, Buyers).Select(async seat =>
        {
            var client = await system.ClientAsync($"batch-{Guid.NewGuid():N}");
            var bookingId = await client.HoldAcceptedAsync(showtimeId, $"A{seat}");
            Assert.Equal("held", await client.WaitForStatusAsync(bookingId));
            return (Seat: seat, Client: client, BookingId: bookingId);
        }));

        // Even seats are confirmed, odd ones cancelled; every fifth buyer sends both at once, and one of them wins.
        var sent = await Task.WhenAll(buyers.SelectMany(b => Commands(b.Seat).Select(confirm =>
            confirm ? b.Client.ConfirmAsync(b.BookingId) : b.Client.CancelAsync(b.BookingId))));
        Assert.All(sent, response => Assert.Equal(HttpStatusCode.Accepted, response.StatusCode));

        var outcomes = new Dictionary<string, string?>();
        foreach (var (seat, client, bookingId) in buyers)
        {
            var status = (await client.WaitForBookingAsync(bookingId, null, "pending", "held")).GetProperty("status").GetString();
            var expected = seat % 5 == 0 ? ["confirmed", "cancelled"] : new[] { seat % 2 == 0 ? "confirmed" : "cancelled" };
            Assert.Contains(status, expected);
            outcomes[$"A{seat}"] = status == "confirmed" ? "sold" : "available";
        }

        var seatMap = (await admin.GetSeatMapAsync(showtimeId)).GetProperty("seats").EnumerateArray()
            .ToDictionary(s => s.GetProperty("seatId").GetString()!, s => s.GetProperty("status").GetString());
        Assert.Equal(outcomes, seatMap);
        await Invariants.AssertHoldAsync(system.Postgres, showtimeId, [.. buyers.Select(b => b.BookingId)]);
        foreach (var b in buyers)
        {
            b.Client.Dispose();
        }
    }

    /// <summary>True for a confirm, false for a cancel.</summary>
    private static bool[] Commands(int seat) => seat % 5 == 0 ? [true, false] : [seat % 2 == 0];
}

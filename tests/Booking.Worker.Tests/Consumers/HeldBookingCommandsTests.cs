using System.Net;
using Booking.Testing;

namespace Booking.Worker.Tests.Consumers;

/// <summary>Confirms and cancels that arrive together are applied in batches, each to its own outcome.</summary>
[Collection(SystemCollection.Name)]
public sealed class HeldBookingCommandsTests(BookingSystemFixture system)
{
    private const int Buyers = 30;

    [Fact]
    public async Task Should_give_each_confirm_and_cancel_its_own_outcome_when_many_arrive_at_once_on_one_showtime()
    {
        using var admin = await system.ClientAsync("admin", "admin");
        var showtimeId = await admin.CreateShowtimeIdAsync(null, ("A", Buyers));
        var clients = await Task.WhenAll(Enumerable.Range(1, Buyers).Select(_ => system.ClientAsync($"batch-{Guid.NewGuid():N}")));
        try
        {
            var bookingIds = await Task.WhenAll(clients.Select((client, i) => client.HoldAcceptedAsync(showtimeId, $"A{i + 1}")));
            for (var i = 0; i < Buyers; i++)
            {
                Assert.Equal("held", await clients[i].WaitForStatusAsync(bookingIds[i]));
            }

            // Even seats are confirmed, odd ones cancelled; every fifth buyer sends both at once, and one of them wins.
            // The loser is answered 202 when the ingress checked the booking before the winner was applied, and 409
            // (no longer held) when the worker was faster.
            var sent = await Task.WhenAll(Enumerable.Range(0, Buyers).Select(i => Task.WhenAll(Commands(i + 1).Select(confirm =>
                confirm ? clients[i].ConfirmAsync(bookingIds[i]) : clients[i].CancelAsync(bookingIds[i])))));

            var expectedSeats = new Dictionary<string, string?>();
            for (var i = 0; i < Buyers; i++)
            {
                var seat = i + 1;
                var answers = Commands(seat).Zip(sent[i], (confirm, response) => (Outcome: confirm ? "confirmed" : "cancelled", response.StatusCode));
                var status = (await clients[i].WaitForBookingAsync(bookingIds[i], null, "pending", "held")).GetProperty("status").GetString();
                Assert.Contains(status, answers.Select(a => a.Outcome));
                foreach (var (outcome, statusCode) in answers)
                {
                    // The command that decided the booking was accepted; only the other one of a pair may be refused.
                    Assert.Contains(statusCode, outcome == status ? [HttpStatusCode.Accepted] : new[] { HttpStatusCode.Accepted, HttpStatusCode.Conflict });
                }

                expectedSeats[$"A{seat}"] = status == "confirmed" ? "sold" : "available";
            }

            var seatMap = (await admin.GetSeatMapAsync(showtimeId)).GetProperty("seats").EnumerateArray()
                .ToDictionary(s => s.GetProperty("seatId").GetString()!, s => s.GetProperty("status").GetString());
            Assert.Equal(expectedSeats, seatMap);
            await Invariants.AssertHoldAsync(system.Postgres, showtimeId, bookingIds);
        }
        finally
        {
            foreach (var client in clients)
            {
                client.Dispose();
            }
        }
    }

    /// <summary>True for a confirm, false for a cancel.</summary>
    private static bool[] Commands(int seat) => seat % 5 == 0 ? [true, false] : [seat % 2 == 0];
}

using Booking.Ingress.Shedding;
using Booking.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Booking.Ingress.Tests.Shedding;

[Collection(SystemCollection.Name)]
public sealed class SendSlotsTests(BookingSystemFixture system)
{
    [Fact]
    public async Task Should_answer_503_with_retry_after_and_leave_the_seats_free_when_every_send_slot_is_taken()
    {
        await using var ingress = system.StartIngress(new Dictionary<string, string?> { ["Ingress:Shedding:MaxSendsInProgress"] = "1" });
        using var admin = await system.ClientAsync("admin", "admin");
        var showtimeId = await admin.CreateShowtimeIdAsync(null, ("A", 3));
        using var alice = await ingress.ClientAsync($"alice-{Guid.NewGuid():N}");
        var held = await alice.HoldAcceptedAsync(showtimeId, "A1");
        Assert.Equal("held", await alice.WaitForStatusAsync(held));

        // The test takes the only slot, as a send stuck behind a slow broker would.
        using (var stuck = ingress.Services.GetRequiredService<SendSlots>().TryTake())
        {
            Assert.NotNull(stuck);
            foreach (var refused in new[] { await alice.HoldAsync(showtimeId, "A2"), await alice.ConfirmAsync(held) })
            {
                await Refusals.AssertBusyAsync(refused, "taking requests slower than they arrive");
            }
        }

        // Nothing of the refused requests stayed behind: the seat is not gated and the booking is still only held.
        var retried = await alice.HoldAcceptedAsync(showtimeId, "A2");
        Assert.Equal("held", await alice.WaitForStatusAsync(retried));
        Assert.Equal("held", (await alice.GetBookingAsync(held)).GetProperty("status").GetString());
        await Invariants.AssertHoldAsync(system.Postgres, showtimeId, [held, retried]);
    }
}

using System.Net;
using Booking.Ingress.Shedding;
using Booking.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Booking.Ingress.Tests.Shedding;

[Collection(SystemCollection.Name)]
public sealed class HoldAdmissionTests(BookingSystemFixture system)
{
    [Fact]
    public void Should_let_in_one_second_of_the_rate_and_then_the_rate()
    {
        var clock = new FakeTimeProvider();
        var admission = Admission(holdsPerSecond: 4, clock);

        Assert.Equal(4, TakeAll(admission));

        clock.Advance(TimeSpan.FromMilliseconds(500));
        Assert.Equal(2, TakeAll(admission));

        // A quiet minute saves up one second of the rate, no more.
        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(4, TakeAll(admission));
    }

    [Fact]
    public void Should_take_back_a_token_given_back_but_never_more_than_one_second_of_the_rate()
    {
        var clock = new FakeTimeProvider();
        var admission = Admission(holdsPerSecond: 2, clock);
        Assert.Equal(2, TakeAll(admission));

        admission.GiveBack();
        Assert.Equal(1, TakeAll(admission));

        clock.Advance(TimeSpan.FromSeconds(5));
        admission.GiveBack();
        Assert.Equal(2, TakeAll(admission));
    }

    [Fact]
    public void Should_let_every_hold_in_when_no_rate_is_set()
    {
        var admission = Admission(holdsPerSecond: 0, new FakeTimeProvider());

        Assert.All(Enumerable.Range(0, 10_000), _ => Assert.True(admission.TryTake()));
    }

    [Fact]
    public async Task Should_answer_503_with_retry_after_past_the_rate_and_not_count_the_holds_the_gate_refuses()
    {
        await using var ingress = system.StartIngress(new Dictionary<string, string?> { ["Ingress:Shedding:MaxHoldsPerSecond"] = "1" });
        using var admin = await system.ClientAsync("admin", "admin");
        var showtimeId = await admin.CreateShowtimeIdAsync(null, ("A", 3));
        using var alice = await system.ClientAsync($"alice-{Guid.NewGuid():N}");
        var alicesHold = await alice.HoldAcceptedAsync(showtimeId, "A1");
        using var bob = await ingress.ClientAsync($"bob-{Guid.NewGuid():N}");

        // The gate refuses bob's first hold, which gives its token back, so his next one gets in.
        Assert.Equal(HttpStatusCode.Conflict, (await bob.HoldAsync(showtimeId, "A1")).StatusCode);
        var bobsHold = await bob.HoldAcceptedAsync(showtimeId, "A2");

        await Refusals.AssertBusyAsync(await bob.HoldAsync(showtimeId, "A3"), "busier than this service takes holds");

        // The refused hold left nothing behind: the seat is free for the next buyer.
        var retried = await alice.HoldAcceptedAsync(showtimeId, "A3");
        Assert.Equal("held", await bob.WaitForStatusAsync(bobsHold));
        Assert.Equal("held", await alice.WaitForStatusAsync(alicesHold));
        Assert.Equal("held", await alice.WaitForStatusAsync(retried));
        await Invariants.AssertHoldAsync(system.Postgres, showtimeId, [alicesHold, bobsHold, retried]);
    }

    private static HoldAdmission Admission(int holdsPerSecond, TimeProvider clock) =>
        new(Options.Create(new SheddingOptions { MaxHoldsPerSecond = holdsPerSecond }), clock);

    private static int TakeAll(HoldAdmission admission)
    {
        var taken = 0;
        while (taken < 1000 && admission.TryTake())
        {
            taken++;
        }

        return taken;
    }
}

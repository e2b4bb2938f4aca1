using System.Net;
using System.Net.Http.Json;
using System.Text;
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

        Assert.All(Enumerable.Range(0, 10), _ => Assert.True(admission.HasRoom()));
        Assert.Equal(4, TakeAll(admission));
        Assert.False(admission.HasRoom());

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

    [Fact]
    public async Task Should_refuse_a_hold_past_the_rate_before_authenticating_it_and_let_other_requests_through()
    {
        await using var ingress = system.StartIngress(new Dictionary<string, string?> { ["Ingress:Shedding:MaxHoldsPerSecond"] = "1" });
        using var admin = await system.ClientAsync("admin", "admin");
        var showtimeId = await admin.CreateShowtimeIdAsync(null, ("A", 3));
        using var anonymous = ingress.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync($"/api/showtimes/{showtimeId}/holds", new { seats = new[] { "A1" } })).StatusCode);
        using var bob = await ingress.ClientAsync($"bob-{Guid.NewGuid():N}");
        await bob.HoldAcceptedAsync(showtimeId, "A1");

        await Refusals.AssertBusyAsync(
            await anonymous.PostAsJsonAsync($"/api/showtimes/{showtimeId}/holds", new { seats = new[] { "A2" } }), "busier than this service takes holds");
        await Refusals.AssertBusyAsync(
            await bob.Http.PostAsync($"/api/showtimes/{showtimeId}/holds", new StringContent("{", Encoding.UTF8, "application/json")),
            "busier than this service takes holds");
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync($"/api/showtimes/{showtimeId}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync("/api/showtimes", new { movie = "M" })).StatusCode);
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

using Booking.Core.Gate;

namespace Booking.Core.Tests.Gate;

/// <summary>
/// The gate's contract, run against every implementation: all-or-nothing holds, owner-checked release, TTL expiry,
/// sold seats locked for good, and restore from the database's view.
/// </summary>
public abstract class SeatGateContractTests
{
    private static readonly TimeSpan LongTtl = TimeSpan.FromMinutes(5);

    protected abstract ISeatGate Gate { get; }

    [Fact]
    public async Task Should_lock_every_seat_when_all_are_free()
    {
        var showtime = Guid.NewGuid();

        var conflicts = await Gate.TryHoldAsync(showtime, ["A1", "A2"], Guid.NewGuid(), LongTtl);

        Assert.Empty(conflicts);
        Assert.Equal(["A1", "A2"], await Gate.TryHoldAsync(showtime, ["A1", "A2", "A3"], Guid.NewGuid(), LongTtl));
    }

    [Fact]
    public async Task Should_lock_no_seat_when_any_seat_is_taken()
    {
        var showtime = Guid.NewGuid();
        await Gate.TryHoldAsync(showtime, ["A2"], Guid.NewGuid(), LongTtl);

        var conflicts = await Gate.TryHoldAsync(showtime, ["A1", "A2", "A3"], Guid.NewGuid(), LongTtl);

        Assert.Equal(["A2"], conflicts);
        Assert.Empty(await Gate.TryHoldAsync(showtime, ["A1", "A3"], Guid.NewGuid(), LongTtl));
    }

    [Fact]
    public async Task Should_let_the_owner_pass_again_when_it_retries()
    {
        var showtime = Guid.NewGuid();
        var owner = Guid.NewGuid();
        await Gate.TryHoldAsync(showtime, ["B1", "B2"], owner, LongTtl);

        Assert.Empty(await Gate.TryHoldAsync(showtime, ["B1", "B2"], owner, LongTtl));
    }

    [Fact]
    public async Task Should_free_the_seats_when_the_ttl_lapses()
    {
        var showtime = Guid.NewGuid();
        await Gate.TryHoldAsync(showtime, ["C1"], Guid.NewGuid(), TimeSpan.FromMilliseconds(150));

        await Task.Delay(400);

        Assert.Empty(await Gate.TryHoldAsync(showtime, ["C1"], Guid.NewGuid(), LongTtl));
    }

    [Fact]
    public async Task Should_release_only_the_owners_locks_when_released()
    {
        var showtime = Guid.NewGuid();
        var owner = Guid.NewGuid();
        var other = Guid.NewGuid();
        await Gate.TryHoldAsync(showtime, ["D1"], owner, LongTtl);
        await Gate.TryHoldAsync(showtime, ["D2"], other, LongTtl);

        await Gate.ReleaseAsync(showtime, ["D1", "D2"], owner);

        Assert.Empty(await Gate.TryHoldAsync(showtime, ["D1"], Guid.NewGuid(), LongTtl));
        Assert.Equal(["D2"], await Gate.TryHoldAsync(showtime, ["D2"], Guid.NewGuid(), LongTtl));
    }

    [Fact]
    public async Task Should_keep_sold_seats_locked_when_the_hold_ttl_lapses()
    {
        var showtime = Guid.NewGuid();
        var owner = Guid.NewGuid();
        await Gate.TryHoldAsync(showtime, ["E1"], owner, TimeSpan.FromMilliseconds(150));

        await Gate.MarkSoldAsync(showtime, ["E1"], owner);
        await Task.Delay(400);

        Assert.Equal(["E1"], await Gate.TryHoldAsync(showtime, ["E1"], Guid.NewGuid(), LongTtl));
    }

    [Fact]
    public async Task Should_not_take_another_owners_seat_when_marking_sold()
    {
        var showtime = Guid.NewGuid();
        var holder = Guid.NewGuid();
        await Gate.TryHoldAsync(showtime, ["F1"], holder, LongTtl);

        await Gate.MarkSoldAsync(showtime, ["F1"], Guid.NewGuid());
        await Gate.ReleaseAsync(showtime, ["F1"], holder);

        Assert.Empty(await Gate.TryHoldAsync(showtime, ["F1"], Guid.NewGuid(), LongTtl));
    }

    [Fact]
    public async Task Should_lock_restored_seats_when_rebuilt_from_the_database()
    {
        var showtime = Guid.NewGuid();

        await Gate.RestoreAsync(
        [
            new GateLock(showtime, "G1", Guid.NewGuid(), null),
            new GateLock(showtime, "G2", Guid.NewGuid(), TimeSpan.FromMilliseconds(150)),
        ]);
        await Task.Delay(400);

        Assert.Equal(["G1"], await Gate.TryHoldAsync(showtime, ["G1", "G2"], Guid.NewGuid(), LongTtl));
    }

    [Fact]
    public async Task Should_mark_the_gate_rebuilt_when_a_rebuild_ends_with_its_token_still_there()
    {
        var rebuild = await Gate.BeginRebuildAsync();

        Assert.True(await Gate.MarkRebuiltAsync(rebuild));
        Assert.True(await Gate.IsRebuiltAsync());
    }

    [Fact]
    public async Task Should_let_exactly_one_of_many_concurrent_holds_take_a_seat()
    {
        var showtime = Guid.NewGuid();

        var replies = await Task.WhenAll(Enumerable.Range(0, 300).Select(_ =>
            Task.Run(() => Gate.TryHoldAsync(showtime, ["J1", "J2"], Guid.NewGuid(), LongTtl))));

        Assert.Single(replies, conflicts => conflicts.Count == 0);
        Assert.All(replies.Where(conflicts => conflicts.Count > 0), conflicts => Assert.Equal(["J1", "J2"], conflicts));
    }

    [Fact]
    public async Task Should_take_each_hold_on_its_own_when_concurrent_holds_overlap()
    {
        var showtimes = Enumerable.Range(0, 40).Select(_ => Guid.NewGuid()).ToList();
        var owner = Guid.NewGuid();
        // Per showtime: a hold of K1+K2 by the owner, a retry of it, one of K2+K3 by someone else, and one of K4 alone.
        var holds = showtimes.SelectMany(showtime => new[]
        {
            (Showtime: showtime, Seats: new[] { "K1", "K2" }, Owner: owner),
            (Showtime: showtime, Seats: new[] { "K1", "K2" }, Owner: owner),
            (Showtime: showtime, Seats: new[] { "K2", "K3" }, Owner: Guid.NewGuid()),
            (Showtime: showtime, Seats: new[] { "K4" }, Owner: Guid.NewGuid()),
        }).ToList();

        var replies = await Task.WhenAll(holds.Select(hold =>
            Task.Run(() => Gate.TryHoldAsync(hold.Showtime, hold.Seats, hold.Owner, LongTtl))));

        foreach (var showtime in showtimes)
        {
            var theirs = holds.Select((hold, index) => (hold, reply: replies[index])).Where(x => x.hold.Showtime == showtime).ToList();
            var ownerTookK2 = theirs[0].reply.Count == 0;
            Assert.Equal(ownerTookK2, theirs[1].reply.Count == 0);
            Assert.Equal(ownerTookK2 ? ["K2"] : [], theirs[2].reply);
            Assert.Equal(ownerTookK2 ? [] : ["K2"], theirs[0].reply);
            Assert.Empty(theirs[3].reply);
            Assert.Equal(
                ownerTookK2 ? ["K1", "K2", "K4"] : ["K2", "K3", "K4"],
                await Gate.TryHoldAsync(showtime, ["K1", "K2", "K3", "K4"], Guid.NewGuid(), LongTtl));
        }
    }
}

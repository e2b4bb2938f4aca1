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
}

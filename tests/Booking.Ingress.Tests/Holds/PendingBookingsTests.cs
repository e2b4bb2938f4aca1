using Booking.Contracts;
using Booking.Ingress.Holds;
using Booking.Testing;
using Microsoft.Extensions.Caching.Memory;

namespace Booking.Ingress.Tests.Holds;

/// <summary>An accepted hold reads back until it is forgotten, from Redis and from memory alike.</summary>
public sealed class PendingBookingsTests(RedisFixture redis) : IClassFixture<RedisFixture>, IDisposable
{
    private readonly MemoryCache _memory = new(new MemoryCacheOptions());

    public void Dispose() => _memory.Dispose();

    [Fact]
    public Task Should_read_a_remembered_hold_until_it_is_forgotten_in_redis() => AssertRoundTripAsync(new PendingBookings(_memory, redis.Connection));

    [Fact]
    public Task Should_read_a_remembered_hold_until_it_is_forgotten_in_memory() => AssertRoundTripAsync(new PendingBookings(_memory));

    [Fact]
    public async Task Should_keep_a_remembered_hold_in_redis_for_a_limited_time()
    {
        var hold = NewHold();

        await new PendingBookings(_memory, redis.Connection).RememberAsync(hold, CancellationToken.None);

        var ttl = await redis.Connection.GetDatabase().KeyTimeToLiveAsync($"booking:pending-hold:{hold.BookingId:N}");
        Assert.InRange(ttl!.Value, TimeSpan.FromMinutes(14), TimeSpan.FromMinutes(15));
    }

    private static async Task AssertRoundTripAsync(PendingBookings pending)
    {
        var hold = NewHold();

        await pending.RememberAsync(hold, CancellationToken.None);
        var found = await pending.FindAsync(hold.BookingId, CancellationToken.None);
        await pending.ForgetAsync(hold.BookingId, CancellationToken.None);

        Assert.Equal((hold.ShowtimeId, hold.CustomerId, hold.CallbackUrl), (found!.ShowtimeId, found.CustomerId, found.CallbackUrl));
        Assert.Equal(hold.SeatIds, found.SeatIds);
        Assert.Null(await pending.FindAsync(hold.BookingId, CancellationToken.None));
        Assert.Null(await pending.FindAsync(Guid.NewGuid(), CancellationToken.None));
    }

    private static RequestSeatHold NewHold() =>
        new(Guid.NewGuid(), Guid.NewGuid(), "alice", ["A1", "A2"], "https://example.test/cb", DateTimeOffset.UtcNow, null);
}

using Booking.Contracts;
using Booking.Ingress.Holds;
using Booking.Testing;

namespace Booking.Ingress.Tests.Holds;

/// <summary>
/// An accepted hold reads back until it is forgotten, and a request forgets only its own record: from Redis and from
/// memory alike.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class PendingBookingsTests(BookingSystemFixture system) : RedisOrMemoryTests(system)
{
    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Should_read_a_remembered_hold_until_it_is_forgotten(bool inRedis)
    {
        var pending = Pending(inRedis);
        var hold = NewHold();

        await pending.RememberAsync(hold, CancellationToken.None);
        var found = await pending.FindAsync(hold.BookingId, CancellationToken.None);
        await pending.ForgetAsync(hold, CancellationToken.None);

        Assert.Equal((hold.ShowtimeId, hold.CustomerId, hold.CallbackUrl), (found!.ShowtimeId, found.CustomerId, found.CallbackUrl));
        Assert.Equal(hold.SeatIds, found.SeatIds);
        Assert.Null(await pending.FindAsync(hold.BookingId, CancellationToken.None));
        Assert.Null(await pending.FindAsync(Guid.NewGuid(), CancellationToken.None));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Should_forget_only_a_request_s_own_record(bool inRedis)
    {
        var pending = Pending(inRedis);
        var first = NewHold(Guid.NewGuid(), "A1");
        var copy = first with { RequestedAt = first.RequestedAt.AddMilliseconds(1) };

        await pending.RememberAsync(first, CancellationToken.None);
        await pending.ForgetAsync(copy, CancellationToken.None);
        Assert.NotNull(await pending.FindAsync(first.BookingId, CancellationToken.None));

        await pending.ForgetAsync(first, CancellationToken.None);
        Assert.Null(await pending.FindAsync(first.BookingId, CancellationToken.None));
    }

    [Fact]
    public async Task Should_keep_a_remembered_hold_in_redis_for_a_limited_time()
    {
        var hold = NewHold();

        await Pending(inRedis: true).RememberAsync(hold, CancellationToken.None);

        var ttl = await Redis.GetDatabase().KeyTimeToLiveAsync($"booking:pending-hold:{hold.BookingId:N}");
        Assert.InRange(ttl!.Value, TimeSpan.FromMinutes(14), TimeSpan.FromMinutes(15));
    }

    private PendingBookings Pending(bool inRedis) => inRedis ? new(Memory, Redis) : new(Memory);

    private static RequestSeatHold NewHold() => NewHold(Guid.NewGuid(), "A1", "A2");

    private static RequestSeatHold NewHold(Guid bookingId, params string[] seats) =>
        new(bookingId, Guid.NewGuid(), "alice", seats, "https://example.test/cb", DateTimeOffset.UtcNow, null);
}

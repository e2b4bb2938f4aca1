using Booking.Contracts;
using Booking.Ingress.Holds;
using Booking.Testing;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace Booking.Ingress.Tests.Holds;

/// <summary>
/// An accepted hold reads back until it is forgotten, a booking id is claimed by one request only, and a request
/// forgets only its own record: from Redis and from memory alike. In the system's collection, because the system
/// flushes Redis when it starts.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class PendingBookingsTests(BookingSystemFixture system) : IDisposable
{
    private readonly MemoryCache _memory = new(new MemoryCacheOptions());

    private IConnectionMultiplexer Redis => system.Ingress.Services.GetRequiredService<IConnectionMultiplexer>();

    public void Dispose() => _memory.Dispose();

    public static TheoryData<bool> Stores => [true, false];

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
    public async Task Should_let_exactly_one_of_many_requests_at_once_claim_a_booking_id(bool inRedis)
    {
        var pending = Pending(inRedis);
        var bookingId = Guid.NewGuid();
        var requests = Enumerable.Range(0, 40).Select(i => NewHold(bookingId, $"A{i + 1}")).ToList();

        var earlier = await Task.WhenAll(requests.Select(r => Task.Run(() => pending.ClaimAsync(r, CancellationToken.None))));

        var winner = Assert.Single(requests.Where((_, i) => earlier[i] is null));
        Assert.All(earlier.Where(e => e is not null), e => Assert.Equal(winner.SeatIds, e!.SeatIds));
        Assert.Equal(winner.SeatIds, (await pending.FindAsync(bookingId, CancellationToken.None))!.SeatIds);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Should_forget_only_a_request_s_own_record(bool inRedis)
    {
        var pending = Pending(inRedis);
        var first = NewHold(Guid.NewGuid(), "A1");
        var copy = first with { RequestedAt = first.RequestedAt.AddMilliseconds(1) };

        Assert.Null(await pending.ClaimAsync(first, CancellationToken.None));
        Assert.NotNull(await pending.ClaimAsync(copy, CancellationToken.None));
        await pending.ForgetAsync(copy, CancellationToken.None);
        Assert.NotNull(await pending.FindAsync(first.BookingId, CancellationToken.None));

        await pending.ForgetAsync(first, CancellationToken.None);
        Assert.Null(await pending.FindAsync(first.BookingId, CancellationToken.None));
        Assert.Null(await pending.ClaimAsync(copy, CancellationToken.None));
    }

    [Fact]
    public async Task Should_keep_a_remembered_hold_in_redis_for_a_limited_time()
    {
        var remembered = NewHold();
        var claimed = NewHold();

        await Pending(inRedis: true).RememberAsync(remembered, CancellationToken.None);
        await Pending(inRedis: true).ClaimAsync(claimed, CancellationToken.None);

        foreach (var hold in new[] { remembered, claimed })
        {
            var ttl = await Redis.GetDatabase().KeyTimeToLiveAsync($"booking:pending-hold:{hold.BookingId:N}");
            Assert.InRange(ttl!.Value, TimeSpan.FromMinutes(14), TimeSpan.FromMinutes(15));
        }
    }

    private PendingBookings Pending(bool inRedis) => inRedis ? new(_memory, Redis) : new(_memory);

    private static RequestSeatHold NewHold() => NewHold(Guid.NewGuid(), "A1", "A2");

    private static RequestSeatHold NewHold(Guid bookingId, params string[] seats) =>
        new(bookingId, Guid.NewGuid(), "alice", seats, "https://example.test/cb", DateTimeOffset.UtcNow, null);
}

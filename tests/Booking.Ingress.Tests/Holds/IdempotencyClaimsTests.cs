using Booking.Contracts;
using Booking.Ingress.Holds;
using Booking.Testing;

namespace Booking.Ingress.Tests.Holds;

/// <summary>
/// A key's booking id is bound to exactly one body however many requests race for it, the binding outlives any outcome,
/// and a sent body is told apart from one still on its way: in Redis and in memory alike.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class IdempotencyClaimsTests(BookingSystemFixture system) : RedisOrMemoryTests(system)
{
    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Should_bind_a_key_to_exactly_one_of_many_bodies_sent_at_once(bool inRedis)
    {
        var claims = Claims(inRedis);
        var bookingId = Guid.NewGuid();
        var showtimeId = Guid.NewGuid();
        var requests = Enumerable.Range(0, 40).Select(i => NewHold(bookingId, showtimeId, $"A{(i % 4) + 1}")).ToList();

        var found = await Task.WhenAll(requests.Select(r => Task.Run(() => claims.ClaimAsync(r, CancellationToken.None))));

        var first = requests[Assert.Single(Enumerable.Range(0, 40), i => found[i] == IdempotencyClaim.First)];
        for (var i = 0; i < requests.Count; i++)
        {
            if (requests[i] != first)
            {
                var expected = requests[i].SeatIds.SequenceEqual(first.SeatIds) ? IdempotencyClaim.CopyOfOpen : IdempotencyClaim.OtherBody;
                Assert.Equal(expected, found[i]);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Should_tell_copies_of_a_sent_body_from_other_bodies(bool inRedis)
    {
        var claims = Claims(inRedis);
        var first = NewHold(Guid.NewGuid(), Guid.NewGuid(), "A1");
        var copy = first with { RequestedAt = first.RequestedAt.AddSeconds(1) };
        var other = first with { SeatIds = ["A2"] };

        Assert.Equal(IdempotencyClaim.First, await claims.ClaimAsync(first, CancellationToken.None));
        claims.MarkSent(first);

        Assert.Equal(IdempotencyClaim.CopyOfSent, await claims.ClaimAsync(copy, CancellationToken.None));
        Assert.Equal(IdempotencyClaim.OtherBody, await claims.ClaimAsync(other, CancellationToken.None));
        Assert.Equal(IdempotencyClaim.OtherBody, await claims.ClaimAsync(first with { CallbackUrl = null }, CancellationToken.None));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Should_mark_sent_only_the_body_the_key_is_bound_to(bool inRedis)
    {
        var claims = Claims(inRedis);
        var unbound = NewHold(Guid.NewGuid(), Guid.NewGuid(), "A1");
        var first = NewHold(Guid.NewGuid(), Guid.NewGuid(), "A1");
        var other = first with { SeatIds = ["A2"] };

        claims.MarkSent(unbound);
        Assert.Equal(IdempotencyClaim.First, await claims.ClaimAsync(unbound, CancellationToken.None));

        Assert.Equal(IdempotencyClaim.First, await claims.ClaimAsync(first, CancellationToken.None));
        claims.MarkSent(other);
        Assert.Equal(IdempotencyClaim.CopyOfOpen, await claims.ClaimAsync(first, CancellationToken.None));
        Assert.Equal(IdempotencyClaim.OtherBody, await claims.ClaimAsync(other, CancellationToken.None));
    }

    [Fact]
    public async Task Should_keep_a_binding_in_redis_for_a_day_once_sent()
    {
        var hold = NewHold(Guid.NewGuid(), Guid.NewGuid(), "A1");
        var claims = Claims(inRedis: true);

        await claims.ClaimAsync(hold, CancellationToken.None);
        claims.MarkSent(hold);

        var ttl = await Redis.GetDatabase().KeyTimeToLiveAsync($"booking:idempotency:{hold.BookingId:N}");
        Assert.InRange(ttl!.Value, TimeSpan.FromHours(23.9), TimeSpan.FromDays(1));
    }

    private IdempotencyClaims Claims(bool inRedis) => inRedis ? new(Memory, Redis) : new(Memory);

    private static RequestSeatHold NewHold(Guid bookingId, Guid showtimeId, params string[] seats) =>
        new(bookingId, showtimeId, "alice", seats, "https://example.test/cb", DateTimeOffset.UtcNow, "key");
}

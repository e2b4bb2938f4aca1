using Booking.Core.Gate;
using Booking.Testing;

namespace Booking.Core.Tests.Gate;

public sealed class RedisSeatGateTests(RedisFixture redis) : SeatGateContractTests, IClassFixture<RedisFixture>
{
    protected override ISeatGate Gate { get; } = TestGates.OnRedis(redis.Connection);

    [Fact]
    public async Task Should_store_hash_tagged_keys_with_the_owner_and_a_ttl_when_holding()
    {
        var showtime = Guid.NewGuid();
        var owner = Guid.NewGuid();

        await Gate.TryHoldAsync(showtime, ["H1"], owner, TimeSpan.FromMinutes(1));

        var key = $"seat:{{{showtime:N}}}:H1";
        var db = redis.Connection.GetDatabase();
        Assert.Equal(owner.ToString("N"), (string?)await db.StringGetAsync(key));
        Assert.InRange((await db.KeyTimeToLiveAsync(key))!.Value, TimeSpan.FromSeconds(50), TimeSpan.FromMinutes(1));
    }
}

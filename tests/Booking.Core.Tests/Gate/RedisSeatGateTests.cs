using System.Diagnostics.Metrics;
using Booking.Core.Gate;
using Booking.Core.Telemetry;
using Booking.Testing;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace Booking.Core.Tests.Gate;

public sealed class RedisSeatGateTests(RedisFixture redis) : SeatGateContractTests, IClassFixture<RedisFixture>
{
    protected override ISeatGate Gate { get; } = new RedisSeatGate(
        redis.Connection, new BookingMetrics(new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>()));

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

using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace Booking.Core.Gate;

/// <summary>
/// Reports Redis as degraded, not unhealthy, when it does not answer: the services keep working correctly without
/// it, only slower, so a Redis outage must not take them out of a load balancer.
/// </summary>
internal sealed class RedisHealthCheck(IConnectionMultiplexer redis) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var latency = await redis.GetDatabase().PingAsync();
            return HealthCheckResult.Healthy($"ping {latency.TotalMilliseconds:F1} ms");
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            return HealthCheckResult.Degraded("Redis does not answer; the gate is bypassed", ex);
        }
    }
}

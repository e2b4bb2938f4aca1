using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace Booking.Realtime.Health;

/// <summary>
/// Readiness of a Realtime instance with a backplane: while its Redis does not answer, every hub connection fails, so
/// the instance is unhealthy (a load balancer then sends clients elsewhere), not degraded as Redis is for the ingress.
/// </summary>
public sealed class BackplaneHealthCheck(BackplaneConnection backplane) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (backplane.Redis is not { } redis)
        {
            return HealthCheckResult.Unhealthy("The backplane has not connected to Redis yet");
        }

        try
        {
            var latency = await redis.GetDatabase().PingAsync();
            return HealthCheckResult.Healthy($"backplane ping {latency.TotalMilliseconds:F1} ms");
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy("The backplane's Redis does not answer; hub connections fail", ex);
        }
    }
}

using Booking.Realtime.Hubs;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace Booking.Realtime.Health;

/// <summary>The backplane's Redis connection, kept when SignalR makes it, so that readiness can ask it.</summary>
public sealed class BackplaneConnection
{
    private IConnectionMultiplexer? _redis;

    /// <summary>The connection, once SignalR has made it.</summary>
    public IConnectionMultiplexer? Redis => Volatile.Read(ref _redis);

    /// <summary>Makes the backplane's connection (SignalR's <c>ConnectionFactory</c>) and keeps it.</summary>
    public async Task<IConnectionMultiplexer> ConnectAsync(ConfigurationOptions configuration, TextWriter log)
    {
        var redis = await ConnectionMultiplexer.ConnectAsync(configuration, log);
        Volatile.Write(ref _redis, redis);
        return redis;
    }
}

/// <summary>
/// Readiness of a Realtime instance with a backplane: while its Redis does not answer, every hub connection fails, so
/// the instance is unhealthy (a load balancer then sends clients elsewhere), not degraded as Redis is for the ingress.
/// </summary>
/// <remarks>
/// Taking the hub's lifetime manager makes SignalR start the backplane's connection, which it otherwise makes at the
/// first hub request: an instance reports ready only once it could serve one.
/// </remarks>
public sealed class BackplaneHealthCheck : IHealthCheck
{
    private readonly BackplaneConnection _backplane;

    public BackplaneHealthCheck(BackplaneConnection backplane, HubLifetimeManager<BookingHub> hubs)
    {
        _backplane = backplane;
        _ = hubs;
    }

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (_backplane.Redis is not { } redis)
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

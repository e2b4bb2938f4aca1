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

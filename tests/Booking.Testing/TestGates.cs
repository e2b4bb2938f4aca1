using System.Diagnostics.Metrics;
using Booking.Core.Gate;
using Booking.Core.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace Booking.Testing;

/// <summary>Seat gates built by hand for tests that talk to a gate directly.</summary>
public static class TestGates
{
    /// <summary>The Redis gate over <paramref name="connection"/>, its metrics on a meter of its own.</summary>
    public static RedisSeatGate OnRedis(IConnectionMultiplexer connection) =>
        new(connection, new BookingMetrics(new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>()));
}

using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using StackExchange.Redis;

namespace Booking.Core.Gate;

/// <summary>Registers the seat gate.</summary>
public static class GateExtensions
{
    /// <summary>
    /// Adds <see cref="ISeatGate"/>: the Redis gate when <c>ConnectionStrings:Redis</c> is set, otherwise the
    /// in-process gate (standalone).
    /// </summary>
    public static IHostApplicationBuilder AddSeatGate(this IHostApplicationBuilder builder)
    {
        if (builder.AddRedisConnection())
        {
            builder.Services.AddSingleton<ISeatGate, RedisSeatGate>();
        }
        else
        {
            builder.Services.TryAddSingleton(TimeProvider.System);
            builder.Services.AddSingleton<ISeatGate, InProcessSeatGate>();
        }

        builder.Services.AddScoped<GateRebuilder>();
        return builder;
    }

    /// <summary>
    /// Registers one shared <see cref="IConnectionMultiplexer"/> when <c>ConnectionStrings:Redis</c> is set (once,
    /// however many roles ask).
    /// A Redis that does not answer does not stop the service from starting: the connection keeps retrying in the
    /// background.
    /// </summary>
    /// <returns>Whether Redis is configured.</returns>
    public static bool AddRedisConnection(this IHostApplicationBuilder builder)
    {
        var connectionString = builder.Configuration.GetConnectionString("Redis");
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return false;
        }

        if (builder.Services.Any(service => service.ServiceType == typeof(IConnectionMultiplexer)))
        {
            return true;
        }

        // Connected here, once, rather than lazily inside a DI factory: a synchronous connect under the container's
        // lock would block every request thread that needs Redis while the thread pool is starved (seen under load).
        var options = ConfigurationOptions.Parse(connectionString);
        options.AbortOnConnectFail = false;
        builder.Services.AddSingleton<IConnectionMultiplexer>(ConnectionMultiplexer.Connect(options));
        builder.Services.AddHealthChecks().AddCheck<RedisHealthCheck>("redis");
        return true;
    }
}

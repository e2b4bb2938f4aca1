using Booking.Testing;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace Booking.Ingress.Tests.Holds;

/// <summary>
/// For tests of an ingress store that keeps its records in Redis, or in memory when there is none (standalone): the
/// system's Redis, and a memory cache of the test's own. Derived classes belong in the system's collection, because
/// the system flushes Redis when it starts.
/// </summary>
public abstract class RedisOrMemoryTests(BookingSystemFixture system) : IDisposable
{
    /// <summary>Theory data: the store in Redis, then in memory.</summary>
    public static TheoryData<bool> Stores => [true, false];

    protected MemoryCache Memory { get; } = new(new MemoryCacheOptions());

    protected IConnectionMultiplexer Redis => system.Ingress.Services.GetRequiredService<IConnectionMultiplexer>();

    public void Dispose()
    {
        Memory.Dispose();
        GC.SuppressFinalize(this);
    }
}

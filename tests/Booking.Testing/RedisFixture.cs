using StackExchange.Redis;
using Xunit;

namespace Booking.Testing;

/// <summary>A connection to the test Redis server.</summary>
public sealed class RedisFixture : IAsyncLifetime
{
    private TestServers? _servers;

    public IConnectionMultiplexer Connection { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _servers = await TestServers.StartAsync();
        Connection = await ConnectionMultiplexer.ConnectAsync(_servers.Redis);
    }

    public async Task DisposeAsync()
    {
        await Connection.DisposeAsync();
        await _servers!.DisposeAsync();
    }
}

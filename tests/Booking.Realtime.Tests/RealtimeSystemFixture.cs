using Booking.Realtime;
using Booking.Realtime.Extensions;
using Booking.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using RabbitMQ.Client;

namespace Booking.Realtime.Tests;

/// <summary>
/// The distributed system of <see cref="BookingSystemFixture"/> (ingress and worker on real servers) plus one
/// Realtime instance on the same Redis and RabbitMQ; tests start more instances with
/// <see cref="StartRealtimeAsync"/>.
/// </summary>
public sealed class RealtimeSystemFixture : IAsyncLifetime
{
    private readonly List<ServiceHost<RealtimeApp>> _instances = [];

    public BookingSystemFixture System { get; } = new();

    /// <summary>The Realtime instance that is always there, consuming events.</summary>
    public ServiceHost<RealtimeApp> Realtime { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await System.InitializeAsync();
        // Events of earlier test assemblies may wait in the queue; they belong to other databases.
        var factory = new ConnectionFactory { Uri = new Uri(System.Servers.RabbitMq) };
        await using (var connection = await factory.CreateConnectionAsync())
        await using (var channel = await connection.CreateChannelAsync())
        {
            await channel.QueueDeleteAsync(RealtimeServiceExtensions.QueueName, ifUnused: false, ifEmpty: false);
        }

        Realtime = await StartRealtimeAsync();
    }

    /// <summary>Starts one more Realtime instance in this process, on the same Redis backplane and queue.</summary>
    public async Task<ServiceHost<RealtimeApp>> StartRealtimeAsync(IReadOnlyDictionary<string, string?>? overrides = null)
    {
        var instance = new ServiceHost<RealtimeApp>(System.Settings(overrides));
        _instances.Add(instance);
        var bus = instance.Services.GetRequiredService<IBusControl>();
        var health = await bus.WaitForHealthStatus(BusHealthStatus.Healthy, TimeSpan.FromSeconds(30));
        Assert.Equal(BusHealthStatus.Healthy, health);
        return instance;
    }

    public async Task DisposeAsync()
    {
        foreach (var instance in Enumerable.Reverse(_instances))
        {
            await instance.DisposeAsync();
        }

        await System.DisposeAsync();
    }
}

/// <summary>The tests of this assembly share one running system, and run one at a time.</summary>
[CollectionDefinition(Name)]
public sealed class RealtimeCollection : ICollectionFixture<RealtimeSystemFixture>
{
    public const string Name = "realtime";
}

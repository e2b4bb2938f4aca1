using Booking.Core.Partitioning;
using Booking.Testing;
using Booking.Worker;
using Booking.Worker.Partitions;
using Microsoft.Extensions.DependencyInjection;
using RabbitMQ.Client;

namespace Booking.FaultTests;

/// <summary>A partition queue the worker cannot consume costs that partition only, until it can be consumed.</summary>
[Collection(FaultCollection.Name)]
public sealed class PartitionAttachTests(FaultFixture system) : IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => system.AssertNoWorkerLeftAsync();

    [Fact]
    public async Task Should_attach_the_other_partitions_and_retry_the_one_whose_queue_cannot_be_consumed()
    {
        // Declared without single active consumer, so the worker's declaration of the queue is refused by the broker.
        var blocked = ShowtimePartitions.QueueName(0);
        await OnBrokerAsync(async channel =>
        {
            await channel.QueueDeleteAsync(blocked, ifUnused: false, ifEmpty: false);
            await channel.QueueDeclareAsync(blocked, durable: true, exclusive: false, autoDelete: false);
        });
        try
        {
            var worker = system.StartWorker(new Dictionary<string, string?> { ["Worker:Partitions:WorkerId"] = "attach-retry" });
            await using (worker)
            {
                var partitions = worker.Services.GetRequiredService<PartitionEndpoints>();
                await BookingSystemFixture.WaitUntilAsync(
                    () => partitions.Attached.Count == BookingSystemFixture.Partitions - 1, TimeSpan.FromSeconds(60));
                Assert.DoesNotContain(0, partitions.Attached);

                await OnBrokerAsync(channel => channel.QueueDeleteAsync(blocked, ifUnused: false, ifEmpty: false));

                await BookingSystemFixture.WaitUntilAsync(
                    () => partitions.Attached.Count == BookingSystemFixture.Partitions, TimeSpan.FromSeconds(60));
            }
        }
        finally
        {
            await OnBrokerAsync(channel => channel.QueueDeleteAsync(blocked, ifUnused: false, ifEmpty: false));
        }
    }

    /// <summary>A channel of its own each time: the broker closes a channel whose declaration it refuses.</summary>
    private async Task OnBrokerAsync(Func<IChannel, Task> action)
    {
        var factory = new ConnectionFactory { Uri = new Uri(system.Servers.RabbitMq) };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        await action(channel);
    }
}

using Booking.Core.Partitioning;
using Booking.Testing;
using Booking.Worker.Callbacks;

namespace Booking.FaultTests;

/// <summary>
/// Fault tests start and break their own services (processes, a private Redis, an unreachable broker); they share
/// the servers and one database, and run one at a time.
/// </summary>
[CollectionDefinition(Name)]
public sealed class FaultCollection : ICollectionFixture<FaultFixture>
{
    public const string Name = "faults";
}

/// <summary>The servers and a fresh database, with no services started: each test starts what it breaks.</summary>
public sealed class FaultFixture : BookingSystemFixture
{
    private static readonly TimeSpan ConsumersGoneLimit = TimeSpan.FromSeconds(10);

    protected override bool StartsServices => false;

    /// <summary>
    /// Fails unless the workers a test started have all let go of the shared queues. A consumer left on a partition
    /// queue stays its single active consumer, so no worker of a later test would get that partition's messages, and
    /// those tests would fail instead of the one that left it. A killed process's consumers go once the broker sees its
    /// connection close, so this waits a little for that.
    /// </summary>
    public async Task AssertNoWorkerLeftAsync()
    {
        string[] queues = [.. Enumerable.Range(0, Partitions).Select(ShowtimePartitions.QueueName), CallbackEndpoint.QueueName];
        await using var broker = await BrokerQueues.ConnectAsync(Servers.RabbitMq);
        var deadline = DateTime.UtcNow + ConsumersGoneLimit;
        while (true)
        {
            var consumers = await Task.WhenAll(queues.Select(broker.ConsumersOfAsync));
            if (consumers.All(count => count == 0))
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail("Consumers left on the shared queues after the test: " +
                    string.Join(", ", queues.Zip(consumers).Where(q => q.Second > 0).Select(q => $"{q.First} ({q.Second})")));
            }

            await Task.Delay(100);
        }
    }
}

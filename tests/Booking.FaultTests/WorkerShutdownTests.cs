using Booking.Testing;
using Booking.Worker;
using Booking.Worker.Partitions;
using Microsoft.Extensions.DependencyInjection;

namespace Booking.FaultTests;

/// <summary>A worker stops within its shutdown time, also when it is taking over partitions at that moment.</summary>
[Collection(FaultCollection.Name)]
public sealed class WorkerShutdownTests(FaultFixture system)
{
    private static readonly TimeSpan StopLimit = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Should_stop_a_worker_while_it_takes_over_the_partitions_of_one_that_left()
    {
        // Each round: two workers share the partitions, one leaves, and the other is stopped at some moment of the
        // next second, while it attaches the partitions left to it. Before PartitionEndpoints let a start finish
        // before stopping it, a stop that met an endpoint in the middle of its start waited forever (in round 3 here).
        var random = new Random(5);
        for (var round = 0; round < 20; round++)
        {
            var staying = system.StartWorker(new Dictionary<string, string?> { ["Worker:Partitions:WorkerId"] = $"stay-{round}" });
            var leaving = system.StartWorker(new Dictionary<string, string?> { ["Worker:Partitions:WorkerId"] = $"leave-{round}" });
            await BookingSystemFixture.WaitUntilAsync(
                () => Attached(staying) + Attached(leaving) == BookingSystemFixture.Partitions, TimeSpan.FromSeconds(30));

            await StopWithinLimitAsync(leaving, $"the leaving worker of round {round}");
            await Task.Delay(random.Next(0, 900));
            await StopWithinLimitAsync(staying, $"the staying worker of round {round}");
        }
    }

    private static int Attached(ServiceHost<WorkerApp> worker) =>
        worker.Services.GetRequiredService<PartitionEndpoints>().Attached.Count;

    private static async Task StopWithinLimitAsync(ServiceHost<WorkerApp> worker, string which)
    {
        var stop = worker.DisposeAsync().AsTask();
        Assert.True(await Task.WhenAny(stop, Task.Delay(StopLimit)) == stop, $"{which} did not stop within {StopLimit.TotalSeconds} s");
        await stop;
    }
}

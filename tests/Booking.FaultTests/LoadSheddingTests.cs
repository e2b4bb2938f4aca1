using System.Net;
using Booking.Core.Partitioning;
using Booking.Ingress.Shedding;
using Booking.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Booking.FaultTests;

[Collection(FaultCollection.Name)]
public sealed class LoadSheddingTests(FaultFixture system)
{
    [Fact]
    public async Task Should_refuse_holds_quickly_with_503_when_the_partition_queue_is_too_deep_and_accept_again_once_drained()
    {
        var shallow = new Dictionary<string, string?>
        {
            ["Ingress:Shedding:MaxQueueDepth"] = "5",
            ["Ingress:Shedding:QueueDepthPollMilliseconds"] = "100",
        };
        await using var ingress = system.StartIngress(shallow);
        using var admin = await ingress.ClientAsync("admin", "admin");
        var showtimeId = await admin.CreateShowtimeIdAsync(null, ("A", 50));
        var seatIds = Enumerable.Range(1, 50).Select(n => $"A{n}").ToArray();

        // No worker runs, so the queue only grows until the ingress sees it past the bound. The holds go one after
        // another, each in a message of its own: holds that arrive together share one (HoldSender).
        var backlog = new List<SaleDriver.Answer>();
        for (var i = 0; i < 20; i++)
        {
            backlog.AddRange(await SaleDriver.RushAsync(ingress, showtimeId, [seatIds[i]], 1, i, $"backlog-{i}"));
        }

        var depths = ingress.Services.GetRequiredService<PartitionQueueDepths>();
        var partition = ShowtimePartitions.PartitionOf(showtimeId, BookingSystemFixture.Partitions);
        await BookingSystemFixture.WaitUntilAsync(() => depths.IsOverloaded(partition), TimeSpan.FromSeconds(10));
        var overload = await SaleDriver.RushAsync(ingress, showtimeId, seatIds[20..], 30, 6, "overload");

        Assert.True(backlog.Count(a => a.Status == HttpStatusCode.Accepted) > 5);
        Assert.All(overload, a => Assert.Equal(HttpStatusCode.ServiceUnavailable, a.Status));
        await using var worker = system.StartWorker();
        await worker.WaitForAllPartitionsAsync();
        var accepted = backlog.Where(a => a.Status == HttpStatusCode.Accepted).ToList();
        Assert.All(await SaleDriver.OutcomesAsync(accepted), status => Assert.Contains(status, new[] { "held", "rejected" }));
        await BookingSystemFixture.WaitUntilAsync(() => !depths.IsOverloaded(partition), TimeSpan.FromSeconds(10));
        var afterDrain = await SaleDriver.RushAsync(ingress, showtimeId, seatIds[45..], 1, 7, "after");
        Assert.Equal(HttpStatusCode.Accepted, afterDrain[0].Status);
        await SaleDriver.OutcomesAsync(afterDrain);
        await Invariants.AssertHoldAsync(system.Postgres, showtimeId, [.. accepted.Select(a => a.BookingId), afterDrain[0].BookingId]);
    }
}

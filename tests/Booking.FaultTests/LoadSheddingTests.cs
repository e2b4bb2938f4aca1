using System.Net;
using Booking.Core.Partitioning;
using Booking.Ingress.Shedding;
using Booking.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Booking.FaultTests;

[Collection(FaultCollection.Name)]
public sealed class LoadSheddingTests(FaultFixture system) : IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => system.AssertNoWorkerLeftAsync();

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

    [Fact]
    public async Task Should_refuse_holds_with_503_while_the_workers_report_holds_waiting_too_long_and_accept_again_once_caught_up()
    {
        var impatient = new Dictionary<string, string?>
        {
            ["Ingress:Shedding:MaxQueueDelayMilliseconds"] = "500",
            ["Ingress:Shedding:QueueDepthPollMilliseconds"] = "100",
        };
        await using var ingress = system.StartIngress(impatient);
        using var admin = await ingress.ClientAsync("admin", "admin");
        var showtimeId = await admin.CreateShowtimeIdAsync(null, ("A", 10));
        using var bob = await ingress.ClientAsync($"bob-{Guid.NewGuid():N}");
        var depths = ingress.Services.GetRequiredService<PartitionQueueDepths>();
        var partition = ShowtimePartitions.PartitionOf(showtimeId, BookingSystemFixture.Partitions);

        // No worker runs, so these holds wait in the queue: far fewer than the depth bound, but for longer than 500 ms.
        var waiting = new List<Guid>();
        foreach (var seatId in new[] { "A1", "A2", "A3" })
        {
            waiting.Add(await bob.HoldAcceptedAsync(showtimeId, seatId));
        }

        Assert.False(depths.IsOverloaded(partition));
        await Task.Delay(TimeSpan.FromSeconds(1));
        await using var worker = system.StartWorker();
        foreach (var bookingId in waiting)
        {
            Assert.Equal("held", await bob.WaitForStatusAsync(bookingId, TimeSpan.FromSeconds(60)));
        }

        // The worker reports how long they waited; until that report lapses, new holds for the partition are refused.
        await BookingSystemFixture.WaitUntilAsync(() => depths.IsOverloaded(partition), TimeSpan.FromSeconds(10));
        var refused = await bob.HoldAsync(showtimeId, "A4");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.NotNull(refused.Headers.RetryAfter);

        await BookingSystemFixture.WaitUntilAsync(() => !depths.IsOverloaded(partition), TimeSpan.FromSeconds(10));
        var afterwards = await bob.HoldAcceptedAsync(showtimeId, "A4");
        Assert.Equal("held", await bob.WaitForStatusAsync(afterwards, TimeSpan.FromSeconds(60)));
        await Invariants.AssertHoldAsync(system.Postgres, showtimeId, [.. waiting, afterwards]);
    }
}

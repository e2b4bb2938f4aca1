using Booking.Contracts;
using Booking.Core.Messaging;
using Booking.Core.Partitioning;
using Booking.Testing;
using Booking.Worker;
using Booking.Worker.Partitions;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Booking.FaultTests;

/// <summary>
/// A worker stops within its shutdown time, also when it is taking over partitions at that moment, and a stop in the
/// middle of its batches leaves every outcome published and nothing parked.
/// </summary>
[Collection(FaultCollection.Name)]
public sealed class WorkerShutdownTests(FaultFixture system) : IAsyncLifetime
{
    private static readonly TimeSpan StopLimit = TimeSpan.FromSeconds(30);

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => system.AssertNoWorkerLeftAsync();

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

    [Fact]
    public async Task Should_publish_every_outcome_and_park_nothing_when_a_worker_stops_in_the_middle_of_its_batches()
    {
        // The commands wait in the partition queues before a worker starts, so the worker is busy with batches, and
        // publishing their outcomes, at the moment it is stopped; a second worker then applies the rest.
        const int Showtimes = 40;
        const int SeatsEach = 50;
        await using var ingress = system.StartIngress();
        await using var events = await EventRecorder.StartAsync(ingress.Services.GetRequiredService<IBus>());
        await using var errorQueues = await BrokerQueues.ConnectAsync(system.Servers.RabbitMq);
        var parkedBefore = await errorQueues.CountEachAsync(BookingSystemFixture.Partitions);
        using var admin = await ingress.ClientAsync("admin", "admin");
        var showtimeIds = new List<Guid>();
        for (var i = 0; i < Showtimes; i++)
        {
            showtimeIds.Add(await admin.CreateShowtimeIdAsync(null, ("A", SeatsEach)));
        }

        var commands = showtimeIds
            .SelectMany(showtimeId => Enumerable.Range(1, SeatsEach).Select(n =>
                new RequestSeatHold(Guid.NewGuid(), showtimeId, $"batches-{n}", [$"A{n}"], null, DateTimeOffset.UtcNow)))
            .ToList();
        var bus = ingress.Services.GetRequiredService<IBus>();
        await Task.WhenAll(commands.Select(async command =>
        {
            var partition = ShowtimePartitions.PartitionOf(command.ShowtimeId, BookingSystemFixture.Partitions);
            await (await bus.GetSendEndpoint(PartitionAddresses.For(partition))).Send(command);
        }));

        var first = system.StartWorker(new Dictionary<string, string?> { ["Worker:Partitions:WorkerId"] = "batches-first" });
        await BookingSystemFixture.WaitUntilAsync(() => StoredOf(showtimeIds) >= commands.Count / 10, TimeSpan.FromSeconds(60));
        await StopWithinLimitAsync(first, "the first worker");
        var storedAtStop = StoredOf(showtimeIds);
        await using var second = system.StartWorker(new Dictionary<string, string?> { ["Worker:Partitions:WorkerId"] = "batches-second" });

        await BookingSystemFixture.WaitUntilAsync(() => StoredOf(showtimeIds) == commands.Count, TimeSpan.FromSeconds(60));
        var ids = commands.Select(c => c.BookingId).ToHashSet();
        await BookingSystemFixture.WaitUntilAsync(
            () => events.StatusChanges.Where(e => ids.Contains(e.BookingId)).Select(e => e.BookingId).Distinct().Count() == ids.Count,
            TimeSpan.FromSeconds(60));
        Assert.True(storedAtStop < commands.Count, $"the stop should come while commands wait ({storedAtStop} of {commands.Count} stored)");
        Assert.Equal(parkedBefore, await errorQueues.CountEachAsync(BookingSystemFixture.Partitions));
    }

    [Fact]
    public async Task Should_let_go_of_its_partition_queues_when_the_other_services_use_up_its_shutdown_time()
    {
        // Hosted services stop in reverse order, so the one added last stops first, and this one uses up the whole
        // shutdown time. When the partition endpoints were stopped after it, with the spent token, the bus's stop cut
        // their consumers' cancels short: every partition kept a single active consumer at the broker for as long as
        // the process lived, and the workers of later tests never got those partitions' messages.
        var worker = system.StartWorker(
            new Dictionary<string, string?> { ["Worker:Partitions:WorkerId"] = "shutdown-time-used-up" },
            services =>
            {
                services.Configure<HostOptions>(options => options.ShutdownTimeout = TimeSpan.FromSeconds(2));
                services.AddSingleton<IHostedService, StopThatUsesUpTheShutdownTime>();
            });
        await worker.WaitForAllPartitionsAsync();
        await using var broker = await BrokerQueues.ConnectAsync(system.Servers.RabbitMq);
        string[] queues = [.. Enumerable.Range(0, BookingSystemFixture.Partitions).Select(ShowtimePartitions.QueueName)];
        Assert.All(await Task.WhenAll(queues.Select(broker.ConsumersOfAsync)), consumers => Assert.Equal(1u, consumers));

        await StopWithinLimitAsync(worker, "the worker whose shutdown time ran out");

        await system.AssertNoWorkerLeftAsync();
    }

    private int StoredOf(IEnumerable<Guid> showtimeIds) => showtimeIds.Sum(id => Sql.CountBookings(system.Postgres, id));

    private static int Attached(ServiceHost<WorkerApp> worker) =>
        worker.Services.GetRequiredService<PartitionEndpoints>().Attached.Count;

    private sealed class StopThatUsesUpTheShutdownTime : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) =>
            Task.Delay(Timeout.Infinite, cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    private static async Task StopWithinLimitAsync(ServiceHost<WorkerApp> worker, string which)
    {
        var stop = worker.DisposeAsync().AsTask();
        Assert.True(await Task.WhenAny(stop, Task.Delay(StopLimit)) == stop, $"{which} did not stop within {StopLimit.TotalSeconds} s");
        await stop;
    }
}

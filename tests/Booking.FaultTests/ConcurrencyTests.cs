using System.Data.Common;
using System.Text.Json;
using Booking.Contracts;
using Booking.Core.Data;
using Booking.Core.Messaging;
using Booking.Core.Partitioning;
using Booking.Ingress;
using Booking.Testing;
using Booking.Worker.Consumers;
using Booking.Worker.Partitions;
using MassTransit;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Testing;
using Npgsql;
using NpgsqlTypes;

namespace Booking.FaultTests;

[Collection(FaultCollection.Name)]
public sealed class ConcurrencyTests(FaultFixture system) : IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => system.AssertNoWorkerLeftAsync();

    [Fact]
    public async Task Should_keep_one_winner_per_seat_when_two_workers_apply_one_showtime_at_once()
    {
        await using var a = system.StartWorker(new Dictionary<string, string?> { ["Worker:Partitions:WorkerId"] = "concurrent-a" });
        await using var b = system.StartWorker(new Dictionary<string, string?> { ["Worker:Partitions:WorkerId"] = "concurrent-b" });
        await using var ingress = system.StartIngress();
        var attachedA = a.Services.GetRequiredService<PartitionEndpoints>();
        var attachedB = b.Services.GetRequiredService<PartitionEndpoints>();
        await BookingSystemFixture.WaitUntilAsync(
            () => attachedA.Attached.Count > 0 && attachedB.Attached.Count > 0 &&
                  attachedA.Attached.Count + attachedB.Attached.Count == BookingSystemFixture.Partitions,
            TimeSpan.FromSeconds(30));
        using var admin = await ingress.ClientAsync("admin", "admin");
        var showtimeId = await admin.CreateShowtimeIdAsync(null, ("A", 10), ("B", 10));
        var seatIds = new[] { "A", "B" }.SelectMany(row => Enumerable.Range(1, 10).Select(n => $"{row}{n}")).ToArray();
        var bus = ingress.Services.GetRequiredService<IBus>();
        // The same showtime's commands sent to a partition of each worker: two writers on the same seats at once.
        var toA = await bus.GetSendEndpoint(PartitionAddresses.For(attachedA.Attached.First()));
        var toB = await bus.GetSendEndpoint(PartitionAddresses.For(attachedB.Attached.First()));
        var random = new Random(11);
        var commands = Enumerable.Range(0, 300)
            .Select(i => new RequestSeatHold(Guid.NewGuid(), showtimeId, $"writer-{i}", random.GetItems(seatIds, random.Next(1, 3)).Distinct().ToArray(), null, DateTimeOffset.UtcNow))
            .ToList();

        await Task.WhenAll(commands.Select((command, i) => (i % 2 == 0 ? toA : toB).Send(command)));

        await BookingSystemFixture.WaitUntilAsync(() => Sql.CountBookings(system.Postgres, showtimeId) == commands.Count, TimeSpan.FromSeconds(60));
        await Invariants.AssertHoldAsync(system.Postgres, showtimeId, [.. commands.Select(c => c.BookingId)]);
    }

    [Fact]
    public async Task Should_end_each_booking_once_when_the_sweeper_races_a_confirm()
    {
        var racing = new Dictionary<string, string?> { ["Worker:Sweeper:GraceSeconds"] = "0", ["Worker:Sweeper:IntervalSeconds"] = "0.05" };
        await using var worker = system.StartWorker(racing);
        await using var ingress = system.StartIngress();
        await using var events = await EventRecorder.StartAsync(ingress.Services.GetRequiredService<IBus>());
        await worker.WaitForAllPartitionsAsync();
        using var admin = await ingress.ClientAsync("admin", "admin");
        var showtimeId = await admin.CreateShowtimeIdAsync(10, ("A", 20));
        var buyers = await Task.WhenAll(Enumerable.Range(1, 20).Select(async i =>
        {
            var buyer = await ingress.ClientAsync($"racer-{i}");
            return (Buyer: buyer, BookingId: await buyer.HoldAcceptedAsync(showtimeId, $"A{i}"));
        }));
        var held = await Task.WhenAll(buyers.Select(b => b.Buyer.WaitForBookingAsync(b.BookingId)));
        var expiresAt = held.Max(h => h.GetProperty("holdExpiresAt").GetDateTimeOffset());

        // Confirms land around the expiry instant, where the sweeper is also at work.
        await Task.Delay(TimeSpan.FromTicks(Math.Max(0, (expiresAt - DateTimeOffset.UtcNow - TimeSpan.FromMilliseconds(100)).Ticks)));
        await Task.WhenAll(buyers.Select(b => b.Buyer.ConfirmAsync(b.BookingId)));
        var finals = await Task.WhenAll(buyers.Select(b => b.Buyer.WaitForBookingAsync(b.BookingId, TimeSpan.FromSeconds(30), "pending", "held")));

        Assert.All(finals, f => Assert.Contains(f.GetProperty("status").GetString(), new[] { "confirmed", "expired", "rejected" }));
        await Invariants.AssertHoldAsync(system.Postgres, showtimeId, [.. buyers.Select(b => b.BookingId)]);
        foreach (var (_, bookingId) in buyers)
        {
            // One outcome each: every version was published with one status only, and the final one is the last.
            await events.WaitForStatusChangesAsync(e => e.BookingId == bookingId && e.Version == 2);
            var versions = events.StatusChanges.Where(e => e.BookingId == bookingId).GroupBy(e => e.Version).ToList();
            Assert.All(versions, v => Assert.Single(v.Select(e => e.Status).Distinct()));
            Assert.Equal([1L, 2L], versions.Select(v => v.Key).Order());
        }
    }

    [Fact]
    public async Task Should_reject_a_poison_hold_and_park_it_in_the_error_queue_while_its_batch_goes_on()
    {
        await using var worker = system.StartWorker();
        await using var ingress = system.StartIngress();
        await worker.WaitForAllPartitionsAsync();
        await using var target = await ShowtimeOnItsPartitionAsync(ingress, 4);
        var showtimeId = target.ShowtimeId;
        var poison = new RequestSeatHold(Guid.NewGuid(), showtimeId, "poison", null!, null, DateTimeOffset.UtcNow);
        var healthy = new RequestSeatHold(Guid.NewGuid(), showtimeId, "healthy", ["A1"], null, DateTimeOffset.UtcNow);

        await Task.WhenAll(target.Partition.Send(poison), target.Partition.Send(healthy));

        await BookingSystemFixture.WaitUntilAsync(() => Sql.CountBookings(system.Postgres, showtimeId) == 2, TimeSpan.FromSeconds(30));
        Assert.Equal(("Rejected", "processing_failed"), await StatusAsync(poison.BookingId));
        Assert.Equal(("Held", (string?)null), await StatusAsync(healthy.BookingId));
        // The rejection is stored before its message is parked, so the message may arrive a moment later.
        await BookingSystemFixture.WaitUntilAsync(async () => await target.ParkedAsync() == 1, TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Should_park_at_once_a_hold_that_cannot_be_stored_even_as_rejected_and_publish_its_batch()
    {
        await using var worker = system.StartWorker();
        await using var ingress = system.StartIngress();
        await worker.WaitForAllPartitionsAsync();
        await using var target = await ShowtimeOnItsPartitionAsync(ingress, 4);
        await using var events = await EventRecorder.StartAsync(ingress.Services.GetRequiredService<IBus>());
        // Longer than the bookings' callback_url column: the ingress refuses it, a message sent directly is poison.
        var unstorable = new RequestSeatHold(Guid.NewGuid(), target.ShowtimeId, "poison", ["A2"], "https://x.example/" + new string('a', 3000), DateTimeOffset.UtcNow);
        var healthy = new RequestSeatHold(Guid.NewGuid(), target.ShowtimeId, "healthy", ["A1"], null, DateTimeOffset.UtcNow);

        await Task.WhenAll(target.Partition.Send(unstorable), target.Partition.Send(healthy));

        await BookingSystemFixture.WaitUntilAsync(async () => await target.ParkedAsync() == 1, TimeSpan.FromSeconds(15));
        Assert.Equal(("Held", (string?)null), await StatusAsync(healthy.BookingId));
        Assert.Equal("held", (await events.WaitForStatusChangesAsync(e => e.BookingId == healthy.BookingId, timeout: TimeSpan.FromSeconds(10)))[0].Status);
        Assert.Equal(1, Sql.CountBookings(system.Postgres, target.ShowtimeId));
    }

    [Fact]
    public async Task Should_reject_a_lone_poison_hold_after_one_failed_save()
    {
        var poisonHold = new PoisonHold(Guid.NewGuid());
        await using var worker = system.StartWorker(services: services =>
            services.ConfigureDbContext<BookingDbContext>(options => options.AddInterceptors(poisonHold)));
        await using var ingress = system.StartIngress();
        await worker.WaitForAllPartitionsAsync();
        await using var target = await ShowtimeOnItsPartitionAsync(ingress, 2);

        await target.Partition.Send(new RequestSeatHold(poisonHold.BookingId, target.ShowtimeId, "buyer", ["A1"], null, DateTimeOffset.UtcNow));

        await BookingSystemFixture.WaitUntilAsync(async () => await target.ParkedAsync() == 1, TimeSpan.FromSeconds(30));
        Assert.Equal(("Rejected", "processing_failed"), await StatusAsync(poisonHold.BookingId));
        // Alone in its batch, it failed alone already; applying it again would fail the same way.
        Assert.Equal(1, poisonHold.Faults.Count);
    }

    [Fact]
    public async Task Should_park_a_poison_confirm_in_the_error_queue_and_confirm_the_others_of_its_batch()
    {
        const int Seats = 21;
        var poisonId = Guid.NewGuid();
        var confirmsOfPoison = new PoisonConfirm(poisonId);
        await using var worker = system.StartWorker(services: services =>
        {
            services.ConfigureDbContext<BookingDbContext>(options => options.AddInterceptors(confirmsOfPoison));
            services.AddFakeLogging();
        });
        await using var ingress = system.StartIngress();
        await worker.WaitForAllPartitionsAsync();
        await using var target = await ShowtimeOnItsPartitionAsync(ingress, Seats);
        var showtimeId = target.ShowtimeId;
        var bookingIds = Enumerable.Range(0, Seats).Select(i => i == Seats / 2 ? poisonId : Guid.NewGuid()).ToList();
        await Task.WhenAll(bookingIds.Select((id, i) =>
            target.Partition.Send(new RequestSeatHold(id, showtimeId, "buyer", [$"A{i + 1}"], null, DateTimeOffset.UtcNow))));
        await BookingSystemFixture.WaitUntilAsync(() => Sql.CountBookings(system.Postgres, showtimeId, BookingStatus.Held) == Seats, TimeSpan.FromSeconds(30));

        // Sent at once; the interceptor holds the first confirming save back, so the rest, the poison among them, share a batch.
        await Task.WhenAll(bookingIds.Select(id => target.Partition.Send(new ConfirmBooking(id, showtimeId, "buyer", DateTimeOffset.UtcNow))));

        await BookingSystemFixture.WaitUntilAsync(() => Sql.CountBookings(system.Postgres, showtimeId, BookingStatus.Confirmed) == Seats - 1, TimeSpan.FromSeconds(30));
        Assert.True(confirmsOfPoison.LargestFailedBatch > 1, "the poison confirm never shared a batch, so the batch fallback was not exercised");
        // Its batch was applied again one confirm at a time, so the others were not failed and retried with it.
        Assert.Contains(
            worker.Services.GetFakeLogCollector().GetSnapshot(),
            log => log.Category == typeof(HeldBookingCommands).FullName && log.Message.Contains("applying them one at a time"));
        // The poison message goes to the error queue without retries; no other goes there.
        await BookingSystemFixture.WaitUntilAsync(async () => await target.ParkedAsync() > 0, TimeSpan.FromSeconds(10));
        Assert.Equal(1u, await target.ParkedAsync());
        Assert.Equal(("Held", (string?)null), await StatusAsync(poisonId));
        await Invariants.AssertHoldAsync(system.Postgres, showtimeId, bookingIds);
    }

    [Fact]
    public async Task Should_go_on_consuming_a_partition_that_parked_a_poison_hold_and_then_a_poison_confirm()
    {
        var poisonConfirmId = Guid.NewGuid();
        var poisonConfirm = new PoisonConfirm(poisonConfirmId);
        await using var worker = system.StartWorker(services: services =>
            services.ConfigureDbContext<BookingDbContext>(options => options.AddInterceptors(poisonConfirm)));
        await using var ingress = system.StartIngress();
        await worker.WaitForAllPartitionsAsync();
        await using var target = await ShowtimeOnItsPartitionAsync(ingress, 2);
        var showtimeId = target.ShowtimeId;

        // A hold and a confirm that cannot be applied, one after the other on one partition: both park their message
        // in the same error queue, which must not break the partition's consumer.
        await target.Partition.Send(new RequestSeatHold(Guid.NewGuid(), showtimeId, "poison", null!, null, DateTimeOffset.UtcNow));
        await BookingSystemFixture.WaitUntilAsync(async () => await target.ParkedAsync() == 1, TimeSpan.FromSeconds(10));
        await target.Partition.Send(new RequestSeatHold(poisonConfirmId, showtimeId, "buyer", ["A1"], null, DateTimeOffset.UtcNow));
        await BookingSystemFixture.WaitUntilAsync(() => Sql.CountBookings(system.Postgres, showtimeId, BookingStatus.Held) == 1, TimeSpan.FromSeconds(10));
        await target.Partition.Send(new ConfirmBooking(poisonConfirmId, showtimeId, "buyer", DateTimeOffset.UtcNow));
        await BookingSystemFixture.WaitUntilAsync(async () => await target.ParkedAsync() == 2, TimeSpan.FromSeconds(30));
        // Each parked message names its own cause for the operator.
        var faultTypes = await target.BrokerQueues.FaultTypesAsync(target.PartitionNumber);
        Assert.Equal(["System.ArgumentNullException", "Npgsql.PostgresException"], faultTypes.TakeLast(2));
        // A save that failed on the request's content is not tried again: it would fail the same way.
        Assert.Equal(1, poisonConfirm.Faults.Count);

        await target.Partition.Send(new RequestSeatHold(Guid.NewGuid(), showtimeId, "buyer", ["A2"], null, DateTimeOffset.UtcNow));

        await BookingSystemFixture.WaitUntilAsync(() => Sql.CountBookings(system.Postgres, showtimeId, BookingStatus.Held) == 2, TimeSpan.FromSeconds(10));
        Assert.Equal(("Held", (string?)null), await StatusAsync(poisonConfirmId));
    }

    [Fact]
    public async Task Should_publish_a_committed_change_when_the_process_died_before_publishing_it()
    {
        await using var worker = system.StartWorker();
        await using var ingress = system.StartIngress();
        await worker.WaitForAllPartitionsAsync();
        using var admin = await ingress.ClientAsync("admin", "admin");
        var showtimeId = await admin.CreateShowtimeIdAsync(null, ("A", 2));
        var bookingId = await admin.HoldAcceptedAsync(showtimeId, "A1");
        await admin.WaitForStatusAsync(bookingId);
        // The worker marks the change published after its publish; that mark must not land on top of the reset below.
        await BookingSystemFixture.WaitUntilAsync(() => PublishedVersion(bookingId) == 1, TimeSpan.FromSeconds(10));
        await using var events = await EventRecorder.StartAsync(ingress.Services.GetRequiredService<IBus>());

        // What a crash between the commit and the publish leaves behind: a change not marked published.
        await Sql.ExecuteAsync(system.Postgres, "UPDATE bookings SET published_version = 0 WHERE id = @id", bookingId);

        var republished = await events.WaitForStatusChangesAsync(e => e.BookingId == bookingId, timeout: TimeSpan.FromSeconds(20));
        Assert.Equal(("held", 1L), (republished[0].Status, republished[0].Version));
        await BookingSystemFixture.WaitUntilAsync(() => PublishedVersion(bookingId) == 1, TimeSpan.FromSeconds(10));
    }

    /// <summary>A new showtime of one row, with its partition queue to send commands to directly.</summary>
    private async Task<ShowtimeOnItsPartition> ShowtimeOnItsPartitionAsync(ServiceHost<IngressApp> ingress, int seats)
    {
        using var admin = await ingress.ClientAsync("admin", "admin");
        var showtimeId = await admin.CreateShowtimeIdAsync(null, ("A", seats));
        var partition = ShowtimePartitions.PartitionOf(showtimeId, BookingSystemFixture.Partitions);
        var endpoint = await ingress.Services.GetRequiredService<IBus>().GetSendEndpoint(PartitionAddresses.For(partition));
        var errorQueues = await BrokerQueues.ConnectAsync(system.Servers.RabbitMq);
        // Other tests of this collection may have parked messages of the same partition already.
        return new(showtimeId, partition, endpoint, errorQueues, await errorQueues.CountAsync(partition));
    }

    private long PublishedVersion(Guid bookingId) => Sql.Publication(system.Postgres, bookingId).Published;

    private async Task<(string, string?)> StatusAsync(Guid bookingId)
    {
        await using var connection = new NpgsqlConnection(system.Postgres);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT status, reason FROM bookings WHERE id = @id", connection);
        command.Parameters.AddWithValue("id", bookingId);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1));
    }

    private sealed record ShowtimeOnItsPartition(
        Guid ShowtimeId, int PartitionNumber, ISendEndpoint Partition, BrokerQueues BrokerQueues, uint ParkedBefore) : IAsyncDisposable
    {
        /// <summary>The messages parked in the partition's error queue since this showtime was made.</summary>
        public async Task<uint> ParkedAsync() => await BrokerQueues.CountAsync(PartitionNumber) - ParkedBefore;

        public ValueTask DisposeAsync() => BrokerQueues.DisposeAsync();
    }

    /// <summary>
    /// Makes and counts injected faults: check-constraint violations (SQL state 23514), the kind of failure that lies
    /// in a request's content, not in the database being away.
    /// </summary>
    private sealed class InjectedFaults
    {
        private int _count;

        /// <summary>How many faults were injected.</summary>
        public int Count => Volatile.Read(ref _count);

        public PostgresException Next(string what)
        {
            Interlocked.Increment(ref _count);
            return new PostgresException($"injected poison {what}", "ERROR", "ERROR", PostgresErrorCodes.CheckViolation);
        }
    }

    /// <summary>
    /// The bookings, by id and status, that a command would write. The worker saves its batches set-based, with each
    /// table's rows sent as one JSON parameter, so that is where a booking shows.
    /// </summary>
    private static List<(Guid Id, string? Status)> BookingsWrittenBy(DbCommand command)
    {
        var bookings = new List<(Guid, string?)>();
        foreach (var parameter in command.Parameters.OfType<NpgsqlParameter>())
        {
            if (parameter is { NpgsqlDbType: NpgsqlDbType.Jsonb, Value: string rows })
            {
                using var json = JsonDocument.Parse(rows);
                bookings.AddRange(json.RootElement.EnumerateArray()
                    .Where(row => row.TryGetProperty("customer_id", out _))
                    .Select(row => (row.GetProperty("id").GetGuid(), row.GetProperty("status").GetString())));
            }
        }

        return bookings;
    }

    /// <summary>Fails every command that would store one booking as held.</summary>
    private sealed class PoisonHold(Guid bookingId) : DbCommandInterceptor
    {
        public Guid BookingId => bookingId;

        public InjectedFaults Faults { get; } = new();

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
            DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default) =>
            BookingsWrittenBy(command).Contains((bookingId, nameof(BookingStatus.Held)))
                ? throw Faults.Next("hold")
                : ValueTask.FromResult(result);
    }

    /// <summary>
    /// Fails every command that would confirm one booking. The first command that confirms others is held back half a
    /// second, so the confirms behind it, the poison among them, queue up into one batch.
    /// </summary>
    private sealed class PoisonConfirm(Guid bookingId) : DbCommandInterceptor
    {
        private int _largestFailedBatch;
        private int _heldBack;

        public InjectedFaults Faults { get; } = new();

        /// <summary>The most bookings confirmed by one command that failed here.</summary>
        public int LargestFailedBatch => Volatile.Read(ref _largestFailedBatch);

        public override async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
            DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            var confirmed = BookingsWrittenBy(command).Where(b => b.Status == nameof(BookingStatus.Confirmed)).Select(b => b.Id).ToList();
            if (confirmed.Contains(bookingId))
            {
                for (var largest = LargestFailedBatch; confirmed.Count > largest; largest = LargestFailedBatch)
                {
                    Interlocked.CompareExchange(ref _largestFailedBatch, confirmed.Count, largest);
                }

                throw Faults.Next("confirm");
            }

            if (confirmed.Count > 0 && Interlocked.Exchange(ref _heldBack, 1) == 0)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
            }

            return result;
        }
    }
}

using System.Diagnostics;
using System.Diagnostics.Metrics;
using Booking.Contracts;
using Booking.Core.Data;
using Booking.Core.Telemetry;
using Booking.Worker.Consumers;

namespace Booking.Worker.Holds;

/// <summary>
/// Applies holds, a confirm and a cancel (the consumers' own changes) once before this worker takes any partition, on
/// a showtime of its own inside a transaction that is rolled back, so nothing of it is ever seen. Without it, a
/// worker's first batches pay for compiling those paths (the JIT, EF Core's queries and update pipeline, the
/// statements PostgreSQL prepares) while the first buyers of a sale wait for them. Nothing is published, the gate is
/// not touched and the business metrics do not count it. A warm-up that fails or takes longer than
/// <see cref="Limit"/> is logged and skipped: it only saves time.
/// </summary>
public sealed class WorkerWarmUp(IServiceScopeFactory scopes, TimeProvider clock, ILogger<WorkerWarmUp> logger) : IHostedService
{
    private const string Customer = "warm-up";

    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(15);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(Limit);
        try
        {
            await RunOnceAsync(limit.Token);
            logger.LogInformation("Warmed up the hold, confirm and cancel paths in {Milliseconds:0} ms", Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning(ex, "Warm-up skipped; the first batches will compile their paths instead");
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var db = services.GetRequiredService<BookingDbContext>();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var showtime = new Showtime
        {
            Id = Guid.NewGuid(),
            Movie = Customer,
            Auditorium = Customer,
            StartsAt = now.UtcDateTime.AddDays(1),
            HoldSeconds = 60,
            CreatedAt = now.UtcDateTime,
        };
        showtime.AddRow("A", 3);
        db.Showtimes.Add(showtime);
        await db.SaveChangesAsync(cancellationToken);

        // Held, rejected (the seat is taken by then) and held: both outcomes of a batch.
        string[][] picks = [["A1"], ["A1"], ["A2", "A3"]];
        var holds = picks.Select(seats => new RequestSeatHold(Guid.NewGuid(), showtime.Id, Customer, seats, null, now)).ToList();
        var batch = ActivatorUtilities.CreateInstance<HoldBatch>(services, new BookingMetrics(new UnexportedMeters()));
        await batch.ApplyAsync(holds, cancellationToken);
        await services.GetRequiredService<HeldBookings>().ApplyAsync(
            [
                new(holds[0].BookingId, Customer, ConfirmBookingConsumer.SellOrExpire),
                new(holds[2].BookingId, Customer, CancelBookingConsumer.Cancel),
            ],
            cancellationToken);
        await transaction.RollbackAsync(cancellationToken);
    }

    /// <summary>Meters under a name no exporter listens to, so the rolled-back holds are not counted as business.</summary>
    private sealed class UnexportedMeters : IMeterFactory
    {
        public Meter Create(MeterOptions options) => new($"{options.Name}.WarmUp");

        public void Dispose()
        {
        }
    }
}

using System.Collections.Concurrent;
using Booking.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Booking.Worker.Publishing;

/// <summary>
/// Marks booking changes published, for every lane of the worker together: the marks gathered over
/// <see cref="FlushInterval"/> are written in one transaction. Marking each batch's changes at once cost a second
/// commit per batch, which at a few commands per batch was as many commits as the changes themselves.
/// </summary>
/// <remarks>
/// A mark only spares the <see cref="Sweeping.UnpublishedChangeSweeper"/> a publish, so a mark lost in a crash or a
/// failed write costs a second publish of that version (receivers dedupe by booking id and version), never an event.
/// </remarks>
public sealed class PublishedMarks(IServiceScopeFactory scopes, ILogger<PublishedMarks> logger) : BackgroundService, IHostedLifecycleService
{
    /// <summary>How long a mark may wait; far below the sweeper's <c>RepublishAfterSeconds</c>.</summary>
    public static readonly TimeSpan FlushInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>The most marks one flush writes; the rest wait for the next.</summary>
    private const int MaxPerFlush = 10_000;

    private readonly ConcurrentQueue<(Guid BookingId, long Version)> _marks = new();

    /// <summary>Marks this version of the booking published, unless a newer one is stored by then.</summary>
    public void Add(Guid bookingId, long version) => _marks.Enqueue((bookingId, version));

    /// <summary>Writes the marks gathered so far.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        var marks = new List<(Guid BookingId, long Version)>();
        while (marks.Count < MaxPerFlush && _marks.TryDequeue(out var mark))
        {
            marks.Add(mark);
        }

        if (marks.Count == 0)
        {
            return;
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BookingDbContext>();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        foreach (var group in marks.GroupBy(m => m.Version))
        {
            var version = group.Key;
            var ids = group.Select(m => m.BookingId).Distinct().ToList();
            // Only the version that was published is marked: a newer change still waits for its own publish.
            await db.Bookings
                .Where(b => ids.Contains(b.Id) && b.Version == version && b.PublishedVersion < version)
                .ExecuteUpdateAsync(set => set.SetProperty(b => b.PublishedVersion, version), cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(FlushInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            await FlushQuietlyAsync(stoppingToken);
        }
    }

    // After every hosted service stopped, the bus among them: the marks of the last batches are written too.
    public Task StoppedAsync(CancellationToken cancellationToken) => FlushQuietlyAsync(cancellationToken);

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task FlushQuietlyAsync(CancellationToken cancellationToken)
    {
        try
        {
            await FlushAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning(ex, "Could not mark booking changes published; the sweeper publishes them again");
        }
    }
}

using Booking.Core.Data;
using Booking.Core.Telemetry;
using Booking.Worker.Holds;
using Booking.Worker.Publishing;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Booking.Worker.Sweeping;

/// <summary>
/// Ends holds whose time ran out: the booking becomes <c>expired</c>, its seats available, the gate keys freed
/// (owner-checked) and the events published. Several workers may sweep at once: each showtime's changes commit
/// under version checks, so a showtime someone else changed first is skipped and picked up by the next sweep.
/// </summary>
public sealed class ExpiredHoldSweeper(
    IServiceScopeFactory scopes, IOptions<SweeperOptions> options, KnownSeats known, TimeProvider clock, BookingMetrics metrics,
    ILogger<ExpiredHoldSweeper> logger)
    : PeriodicSweeper(options, logger)
{
    public override async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BookingDbContext>();
        var now = clock.GetUtcNow().UtcDateTime;
        var cutoff = now.AddSeconds(-Options.GraceSeconds);
        var due = await db.Bookings.AsNoTracking()
            .Where(b => b.Status == BookingStatus.Held && b.HoldExpiresAt <= cutoff)
            .OrderBy(b => b.HoldExpiresAt)
            .Take(Options.BatchSize)
            .Select(b => new { b.Id, b.ShowtimeId })
            .ToListAsync(cancellationToken);

        var expired = 0;
        foreach (var showtime in due.GroupBy(b => b.ShowtimeId))
        {
            expired += await ExpireAsync(scope.ServiceProvider, showtime.Key, [.. showtime.Select(b => b.Id)], now, cancellationToken);
        }

        return expired;
    }

    private async Task<int> ExpireAsync(
        IServiceProvider services, Guid showtimeId, List<Guid> bookingIds, DateTime now, CancellationToken cancellationToken)
    {
        var db = services.GetRequiredService<BookingDbContext>();
        db.ChangeTracker.Clear();
        var showtime = await db.Showtimes.SingleAsync(s => s.Id == showtimeId, cancellationToken);
        var bookings = await db.Bookings
            .Where(b => bookingIds.Contains(b.Id) && b.Status == BookingStatus.Held && b.HoldExpiresAt <= now)
            .ToListAsync(cancellationToken);
        var ids = bookings.Select(b => b.Id).ToList();
        var seats = await db.Seats.Where(s => s.BookingId != null && ids.Contains(s.BookingId.Value)).ToListAsync(cancellationToken);
        foreach (var booking in bookings)
        {
            BookingTransitions.End(booking, BookingStatus.Expired, null, showtime, seats, now);
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            logger.LogDebug("Showtime {ShowtimeId} changed during the sweep; the next sweep picks it up", showtimeId);
            return 0;
        }

        known.Learn(db);
        metrics.HoldsExpired(bookings.Count);

        var publisher = services.GetRequiredService<IPublishEndpoint>();
        await services.GetRequiredService<OutcomePublisher>().PublishAsync(publisher, bookings, [], cancellationToken);
        return bookings.Count;
    }
}

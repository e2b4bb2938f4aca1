using Booking.Core.Data;
using Booking.Worker.Publishing;
using Microsoft.EntityFrameworkCore;

namespace Booking.Worker.Holds;

/// <summary>
/// Applies confirms and cancels of held bookings in one transaction, in arrival order: loads the bookings with their
/// showtimes and seats, changes each booking that is still held, and saves under version checks. A booking that is
/// not held (any more) is left as it is and returned, so its outcome is published again.
/// </summary>
public sealed class HeldBookings(BookingDbContext db, WriteRetry retry, KnownSeats known, TimeProvider clock)
{
    /// <summary>
    /// Applies <paramref name="changes"/> and saves, deciding again on fresh rows when another writer got there first
    /// (<see cref="WriteRetry"/>); returns each change's booking in order (a booking named by two changes comes
    /// twice), for the caller to publish once per booking.
    /// </summary>
    public Task<IReadOnlyList<BookingRecord>> ApplyAsync(IReadOnlyList<HeldBookingChange> changes, CancellationToken cancellationToken) =>
        retry.RunAsync(_ => ApplyOnceAsync(changes, cancellationToken), cancellationToken);

    private async Task<IReadOnlyList<BookingRecord>> ApplyOnceAsync(IReadOnlyList<HeldBookingChange> changes, CancellationToken cancellationToken)
    {
        var ids = changes.Select(c => c.BookingId).Distinct().ToList();
        var bookings = await db.Bookings.Where(b => ids.Contains(b.Id)).ToDictionaryAsync(b => b.Id, cancellationToken);
        var held = bookings.Values.Where(b => b.Status == BookingStatus.Held).ToList();
        var heldIds = held.Select(b => b.Id).ToList();
        var showtimeIds = held.Select(b => b.ShowtimeId).Distinct().ToList();
        var showtimes = await db.Showtimes.Where(s => showtimeIds.Contains(s.Id)).ToDictionaryAsync(s => s.Id, cancellationToken);
        var seats = (await db.Seats.Where(s => s.BookingId != null && heldIds.Contains(s.BookingId.Value)).ToListAsync(cancellationToken))
            .ToLookup(s => s.BookingId!.Value);

        var now = clock.GetUtcNow().UtcDateTime;
        var touched = new List<BookingRecord>();
        foreach (var change in changes)
        {
            // Someone else's booking id gets nothing, not even its outcome again.
            if (!bookings.TryGetValue(change.BookingId, out var booking) || booking.CustomerId != change.CustomerId)
            {
                continue;
            }

            if (booking.Status == BookingStatus.Held)
            {
                change.ApplyToHeld(booking, showtimes[booking.ShowtimeId], [.. seats[booking.Id]], now);
                OutcomePublisher.CarriedByMessage(booking);
            }

            touched.Add(booking);
        }

        await db.SaveChangesSetBasedAsync(cancellationToken);
        known.Learn(db);
        return touched;
    }
}

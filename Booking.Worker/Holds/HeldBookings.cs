using Booking.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Booking.Worker.Holds;

/// <summary>
/// Changes a customer's held booking in one transaction: loads it with its showtime and seats, applies the change
/// if the booking is still held, and saves under version checks (decided again on fresh rows if another writer
/// came first). A booking that is not held is returned as it is, so its outcome can be published again.
/// </summary>
public sealed class HeldBookings(BookingDbContext db, WriteRetry retry, TimeProvider clock)
{
    /// <summary>The change: the booking, its showtime, the seats it owns, and now.</summary>
    public delegate void Change(BookingRecord booking, Showtime showtime, IReadOnlyList<Seat> seats, DateTime now);

    public Task<BookingRecord?> ChangeAsync(Guid bookingId, string customerId, Change change, CancellationToken cancellationToken) =>
        retry.RunAsync(async () =>
        {
            var booking = await db.Bookings.FirstOrDefaultAsync(b => b.Id == bookingId && b.CustomerId == customerId, cancellationToken);
            if (booking is null || booking.Status != BookingStatus.Held)
            {
                return booking;
            }

            var showtime = await db.Showtimes.SingleAsync(s => s.Id == booking.ShowtimeId, cancellationToken);
            var seats = await db.Seats.Where(s => s.BookingId == booking.Id).ToListAsync(cancellationToken);
            change(booking, showtime, seats, clock.GetUtcNow().UtcDateTime);
            await db.SaveChangesAsync(cancellationToken);
            return booking;
        }, cancellationToken);
}

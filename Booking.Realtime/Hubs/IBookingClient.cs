using Booking.Contracts;
using Booking.Core.Bookings;

namespace Booking.Realtime.Hubs;

/// <summary>What the server sends to clients of <see cref="BookingHub"/>.</summary>
public interface IBookingClient
{
    /// <summary>
    /// Seats of a watched showtime changed. <see cref="SeatsChanged.Version"/> is the seat map's version after the
    /// change (the <c>version</c> of <c>GET /api/showtimes/{id}/seats</c>) and rises by exactly one per change.
    /// Delivery is at-least-once and, with several consumers, not always in order: a client drops a version it
    /// already has, holds a later one until the versions between arrive, and refetches the seat map when a gap is
    /// not filled within a moment (or after a reconnect, which loses what was sent meanwhile).
    /// </summary>
    Task SeatsChanged(SeatsChanged change);

    /// <summary>
    /// One of the caller's own bookings changed: the <c>GET /api/bookings/{id}</c> body, sent to the owner's
    /// connections only. At-least-once and possibly out of order: keep the highest <c>version</c> per booking.
    /// </summary>
    Task BookingUpdated(BookingView booking);
}

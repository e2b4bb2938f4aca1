using Booking.Contracts;
using Booking.Core.Bookings;

namespace Booking.Realtime.Hubs;

/// <summary>What the server sends to clients of <see cref="BookingHub"/>.</summary>
public interface IBookingClient
{
    /// <summary>
    /// Seats of a watched showtime changed. <see cref="SeatsChanged.Version"/> rises by one per change, so a client
    /// that sees a gap (or a version it already has) refetches <c>GET /api/showtimes/{id}/seats</c>.
    /// </summary>
    Task SeatsChanged(SeatsChanged change);

    /// <summary>One of the caller's bookings changed: the <c>GET /api/bookings/{id}</c> body.</summary>
    Task BookingUpdated(BookingView booking);
}

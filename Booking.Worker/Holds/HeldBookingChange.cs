using Booking.Core.Data;

namespace Booking.Worker.Holds;

/// <summary>
/// One confirm or cancel waiting in its partition's group commit: which booking, whose, and what to do with it while
/// it is held.
/// </summary>
public sealed record HeldBookingChange(Guid BookingId, string CustomerId, HeldBookingChange.Apply ApplyToHeld)
{
    /// <summary>The change to a held booking: the booking, its showtime, the seats it owns, and now.</summary>
    public delegate void Apply(BookingRecord booking, Showtime showtime, IReadOnlyList<Seat> seats, DateTime now);
}

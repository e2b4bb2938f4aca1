using Booking.Core.Data;

namespace Booking.Worker.Holds;

/// <summary>
/// One confirm or cancel waiting in its partition's group commit: which booking, whose, and what to do with it while
/// it is held. <see cref="Failure"/> is set when this request alone could not be applied, so only its own message fails.
/// </summary>
public sealed class HeldBookingChange(Guid bookingId, string customerId, HeldBookingChange.Apply apply)
{
    /// <summary>The change to a held booking: the booking, its showtime, the seats it owns, and now.</summary>
    public delegate void Apply(BookingRecord booking, Showtime showtime, IReadOnlyList<Seat> seats, DateTime now);

    public Guid BookingId => bookingId;

    public string CustomerId => customerId;

    public Apply ApplyToHeld => apply;

    public Exception? Failure { get; set; }
}

namespace Booking.Contracts;

/// <summary>
/// The events of the booking changes that one worker transaction committed, published as one message: a group commit
/// of 100 holds costs the broker and its consumers one message instead of 200. Each element is the event it would be
/// alone, and receivers treat it so: at-least-once, deduped by (booking id, version) and by seat-map version.
/// </summary>
/// <param name="Bookings">One status change per booking changed.</param>
/// <param name="Seats">The seat changes of those bookings that moved seats, one per change.</param>
public sealed record BookingsChanged(IReadOnlyList<BookingStatusChanged> Bookings, IReadOnlyList<SeatsChanged> Seats);

using Booking.Core.Data;

namespace Booking.Worker.Holds;

/// <summary>
/// The status changes of a booking and its seats, on rows already loaded and tracked. Every change increments the
/// booking's and each touched seat's <c>Version</c>; a change that moves seats increments the showtime's seat-map
/// version once and records it on the booking, so <c>SeatsChanged</c> versions rise by exactly one per change.
/// Saving is the caller's: the concurrency tokens make a stale change fail instead of applying.
/// </summary>
public static class BookingTransitions
{
    /// <summary>Gives <paramref name="seats"/> to a new booking until the showtime's hold length from now.</summary>
    public static void Hold(BookingRecord booking, Showtime showtime, IReadOnlyList<Seat> seats, DateTime now)
    {
        var expiresAt = now.AddSeconds(showtime.HoldSeconds);
        foreach (var seat in seats)
        {
            Move(seat, SeatStatus.Held, booking.Id, expiresAt);
        }

        booking.HoldExpiresAt = expiresAt;
        Change(booking, BookingStatus.Held, reason: null, seatsVersion: ++showtime.Version, now);
    }

    /// <summary>Turns the booking's held seats into sold ones.</summary>
    public static void Sell(BookingRecord booking, Showtime showtime, IReadOnlyList<Seat> seats, DateTime now)
    {
        foreach (var seat in OwnedBy(booking, seats))
        {
            Move(seat, SeatStatus.Sold, booking.Id, holdExpiresAt: null);
        }

        Change(booking, BookingStatus.Confirmed, reason: null, seatsVersion: ++showtime.Version, now);
    }

    /// <summary>
    /// Ends a held booking (cancelled, expired, or rejected because it expired) and frees the seats it still holds.
    /// </summary>
    public static void End(
        BookingRecord booking, BookingStatus status, string? reason, Showtime showtime, IReadOnlyList<Seat> seats, DateTime now)
    {
        var freed = OwnedBy(booking, seats).ToList();
        foreach (var seat in freed)
        {
            Move(seat, SeatStatus.Available, bookingId: null, holdExpiresAt: null);
        }

        Change(booking, status, reason, seatsVersion: freed.Count > 0 ? ++showtime.Version : null, now);
    }

    /// <summary>Records a refused request: no seat moves.</summary>
    public static void Reject(BookingRecord booking, string reason, DateTime now) =>
        Change(booking, BookingStatus.Rejected, reason, seatsVersion: null, now);

    private static IEnumerable<Seat> OwnedBy(BookingRecord booking, IReadOnlyList<Seat> seats) =>
        seats.Where(s => s.BookingId == booking.Id && s.Status != SeatStatus.Available);

    private static void Move(Seat seat, SeatStatus status, Guid? bookingId, DateTime? holdExpiresAt)
    {
        seat.Status = status;
        seat.BookingId = bookingId;
        seat.HoldExpiresAt = holdExpiresAt;
        seat.Version++;
    }

    private static void Change(BookingRecord booking, BookingStatus status, string? reason, long? seatsVersion, DateTime now)
    {
        booking.Status = status;
        booking.Reason = reason;
        booking.SeatsVersion = seatsVersion;
        booking.UpdatedAt = now;
        booking.Version++;
        if (status != BookingStatus.Held)
        {
            booking.HoldExpiresAt = null;
        }
    }
}

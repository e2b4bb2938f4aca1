using Booking.Contracts;
using Booking.Core.Data;

namespace Booking.Core.Bookings;

/// <summary>
/// The events of a booking's latest change, rebuilt from its row alone. Because the row holds all they need, a
/// change committed by a process that died before publishing is published later, the same as it would have been.
/// </summary>
public static class BookingEvents
{
    public static BookingStatusChanged StatusChanged(BookingRecord booking, DateTimeOffset occurredAt) => new(
        booking.Id,
        booking.ShowtimeId,
        booking.CustomerId,
        booking.SeatIds,
        StatusNames.Of(booking.Status),
        booking.Reason,
        booking.HoldExpiresAt.AsUtc(),
        booking.Version,
        booking.CallbackUrl,
        occurredAt);

    /// <summary>The seat change of the booking's latest change, or null when that change moved no seat.</summary>
    public static SeatsChanged? SeatsChanged(BookingRecord booking)
    {
        if (booking.SeatsVersion is not { } version)
        {
            return null;
        }

        var seatStatus = booking.Status switch
        {
            BookingStatus.Held => SeatStatus.Held,
            BookingStatus.Confirmed => SeatStatus.Sold,
            _ => SeatStatus.Available,
        };
        return new SeatsChanged(
            booking.ShowtimeId,
            version,
            [.. booking.SeatIds.Select(seatId => new SeatStatusChange(seatId, StatusNames.Of(seatStatus)))]);
    }
}

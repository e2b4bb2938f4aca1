using Booking.Core.Data;

namespace Booking.Core.Bookings;

/// <summary>The wire names of statuses (<c>held</c>, <c>available</c>, ...): lower case, as the API documents them.</summary>
public static class StatusNames
{
    public static string Of(BookingStatus status) => status.ToString().ToLowerInvariant();

    public static string Of(SeatStatus status) => status.ToString().ToLowerInvariant();
}

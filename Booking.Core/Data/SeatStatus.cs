namespace Booking.Core.Data;

/// <summary>A seat's status in the seat map.</summary>
public enum SeatStatus
{
    Available,
    Held,
    Sold,
}

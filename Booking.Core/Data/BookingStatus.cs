namespace Booking.Core.Data;

/// <summary>
/// A booking's status. <see cref="Pending"/> exists only between the ingress's 202 and the worker's commit; the
/// worker never stores it. The others are stored; all but <see cref="Held"/> are final.
/// </summary>
public enum BookingStatus
{
    Pending,
    Held,
    Confirmed,
    Rejected,
    Cancelled,
    Expired,
}

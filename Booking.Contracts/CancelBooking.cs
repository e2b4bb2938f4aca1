namespace Booking.Contracts;

/// <summary>Asks the worker to cancel a held booking and free its seats.</summary>
/// <param name="BookingId">The booking to cancel.</param>
/// <param name="ShowtimeId">The booking's showtime (it picks the partition).</param>
/// <param name="CustomerId">Who asks; only the owner may cancel.</param>
/// <param name="RequestedAt">When the ingress accepted the request.</param>
public sealed record CancelBooking(Guid BookingId, Guid ShowtimeId, string CustomerId, DateTimeOffset RequestedAt);

namespace Booking.Contracts;

/// <summary>Asks the worker to turn a held booking into a sale.</summary>
/// <param name="BookingId">The booking to confirm.</param>
/// <param name="ShowtimeId">The booking's showtime (it picks the partition).</param>
/// <param name="CustomerId">Who asks; only the owner may confirm.</param>
/// <param name="RequestedAt">When the ingress accepted the request.</param>
public sealed record ConfirmBooking(Guid BookingId, Guid ShowtimeId, string CustomerId, DateTimeOffset RequestedAt);

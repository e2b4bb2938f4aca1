namespace Booking.Contracts;

/// <summary>
/// A booking reached a new status. At-least-once: receivers dedupe by (<see cref="BookingId"/>, <see cref="Version"/>).
/// Carries the same fields as <c>GET /api/bookings/{id}</c>.
/// </summary>
/// <param name="BookingId">The booking.</param>
/// <param name="ShowtimeId">Its showtime.</param>
/// <param name="CustomerId">Its owner.</param>
/// <param name="SeatIds">The seats asked for.</param>
/// <param name="Status">held, confirmed, rejected, cancelled or expired.</param>
/// <param name="Reason">Why it was rejected, if it was.</param>
/// <param name="HoldExpiresAt">When a hold lapses, while held.</param>
/// <param name="Version">The booking's version after this change.</param>
/// <param name="CallbackUrl">Where the worker POSTs the change, if anywhere.</param>
/// <param name="OccurredAt">When the change was committed.</param>
public sealed record BookingStatusChanged(
    Guid BookingId,
    Guid ShowtimeId,
    string CustomerId,
    IReadOnlyList<string> SeatIds,
    string Status,
    string? Reason,
    DateTimeOffset? HoldExpiresAt,
    long Version,
    string? CallbackUrl,
    DateTimeOffset OccurredAt);

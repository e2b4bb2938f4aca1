namespace Booking.Contracts;

/// <summary>
/// Asks the worker to hold <paramref name="SeatIds"/> of a showtime for a customer. Sent by the ingress to the
/// showtime's partition queue after the Redis gate let it through.
/// </summary>
/// <param name="BookingId">Made at the ingress; the booking's identity from then on.</param>
/// <param name="ShowtimeId">The showtime whose seats are asked for.</param>
/// <param name="CustomerId">The authenticated customer (the token's <c>sub</c>).</param>
/// <param name="SeatIds">Seat ids such as <c>A1</c>; all are held or none.</param>
/// <param name="CallbackUrl">Where status changes are POSTed, if anywhere.</param>
/// <param name="RequestedAt">When the ingress accepted the request.</param>
/// <param name="IdempotencyKey">The client's <c>Idempotency-Key</c>, if it sent one.</param>
public sealed record RequestSeatHold(
    Guid BookingId,
    Guid ShowtimeId,
    string CustomerId,
    IReadOnlyList<string> SeatIds,
    string? CallbackUrl,
    DateTimeOffset RequestedAt,
    string? IdempotencyKey = null);

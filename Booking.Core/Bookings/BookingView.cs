using Booking.Contracts;
using Booking.Core.Data;

namespace Booking.Core.Bookings;

/// <summary>
/// A booking as clients see it: the body of <c>GET /api/bookings/{id}</c>, of the hub's <c>BookingUpdated</c> and of
/// callbacks.
/// </summary>
public sealed record BookingView(
    Guid BookingId,
    Guid ShowtimeId,
    string CustomerId,
    IReadOnlyList<string> Seats,
    string Status,
    string? Reason,
    DateTimeOffset? HoldExpiresAt,
    long Version)
{
    public static BookingView From(BookingRecord booking) => new(
        booking.Id,
        booking.ShowtimeId,
        booking.CustomerId,
        booking.SeatIds,
        StatusNames.Of(booking.Status),
        booking.Reason,
        booking.HoldExpiresAt.AsUtc(),
        booking.Version);

    public static BookingView From(BookingStatusChanged change) => new(
        change.BookingId,
        change.ShowtimeId,
        change.CustomerId,
        change.SeatIds,
        change.Status,
        change.Reason,
        change.HoldExpiresAt,
        change.Version);

    /// <summary>A request the ingress accepted and the worker has not applied yet.</summary>
    public static BookingView Pending(RequestSeatHold command) => new(
        command.BookingId, command.ShowtimeId, command.CustomerId, command.SeatIds,
        StatusNames.Of(BookingStatus.Pending), null, null, 0);
}

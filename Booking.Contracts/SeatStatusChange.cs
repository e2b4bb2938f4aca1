namespace Booking.Contracts;

/// <summary>One seat's new status inside <see cref="SeatsChanged"/>.</summary>
/// <param name="SeatId">The seat, e.g. <c>A1</c>.</param>
/// <param name="Status">available, held or sold.</param>
public sealed record SeatStatusChange(string SeatId, string Status);

namespace Booking.Contracts;

/// <summary>
/// Seats of a showtime changed status. <see cref="Version"/> is the showtime's seat-map version after the change;
/// it rises by one per change, so a watcher that sees a gap refetches the seat map.
/// </summary>
/// <param name="ShowtimeId">The showtime.</param>
/// <param name="Version">The seat-map version after this change.</param>
/// <param name="Seats">The seats that changed and their new status.</param>
public sealed record SeatsChanged(Guid ShowtimeId, long Version, IReadOnlyList<SeatStatusChange> Seats);

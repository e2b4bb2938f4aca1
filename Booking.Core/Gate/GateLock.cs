namespace Booking.Core.Gate;

/// <summary>One seat lock as the database sees it, for rebuilding the gate.</summary>
/// <param name="ShowtimeId">The showtime.</param>
/// <param name="SeatId">The seat.</param>
/// <param name="Owner">The booking that holds or bought it.</param>
/// <param name="Ttl">Time left on the hold; null for a sold seat.</param>
public sealed record GateLock(Guid ShowtimeId, string SeatId, Guid Owner, TimeSpan? Ttl);

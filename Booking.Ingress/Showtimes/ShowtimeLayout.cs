namespace Booking.Ingress.Showtimes;

/// <summary>
/// What the ingress needs to check a hold request without the database: a showtime's seat ids, its hold length and
/// when it starts (its sale closes then).
/// </summary>
public sealed record ShowtimeLayout(Guid Id, int HoldSeconds, DateTimeOffset StartsAt, IReadOnlySet<string> SeatIds);

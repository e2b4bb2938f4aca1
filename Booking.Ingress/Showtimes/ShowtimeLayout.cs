namespace Booking.Ingress.Showtimes;

/// <summary>What the ingress needs to check a hold request without the database: a showtime's seat ids and hold length.</summary>
public sealed record ShowtimeLayout(Guid Id, int HoldSeconds, IReadOnlySet<string> SeatIds);

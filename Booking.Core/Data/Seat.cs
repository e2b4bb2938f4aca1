namespace Booking.Core.Data;

/// <summary>One seat of one showtime: the row that says who holds or bought it.</summary>
public sealed class Seat
{
    public Guid ShowtimeId { get; set; }

    /// <summary>Row letter(s) followed by the number, e.g. <c>A12</c>.</summary>
    public required string SeatId { get; set; }

    public required string Row { get; set; }

    public int Number { get; set; }

    public SeatStatus Status { get; set; }

    /// <summary>The booking that holds or bought the seat; null while available.</summary>
    public Guid? BookingId { get; set; }

    /// <summary>When the hold lapses; a held seat past this instant counts as available.</summary>
    public DateTime? HoldExpiresAt { get; set; }

    /// <summary>Concurrency token: every write increments it, a stale write fails.</summary>
    public long Version { get; set; }

    /// <summary>Whether the seat can be given to a new booking at <paramref name="now"/>.</summary>
    public bool IsFreeAt(DateTime now) => Status == SeatStatus.Available || HoldLapsed(Status, HoldExpiresAt, now);

    /// <summary>Whether a seat in this state is held by a hold that has lapsed at <paramref name="now"/>.</summary>
    public static bool HoldLapsed(SeatStatus status, DateTime? holdExpiresAt, DateTime now) =>
        status == SeatStatus.Held && holdExpiresAt <= now;
}

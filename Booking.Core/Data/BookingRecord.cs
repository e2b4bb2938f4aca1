namespace Booking.Core.Data;

/// <summary>A booking's row: who asked for which seats of which showtime, and where that stands.</summary>
public sealed class BookingRecord
{
    /// <summary>The longest <see cref="CallbackUrl"/> stored (the column's length); the ingress refuses longer ones.</summary>
    public const int MaxCallbackUrlLength = 2048;

    public Guid Id { get; set; }

    public Guid ShowtimeId { get; set; }

    public required string CustomerId { get; set; }

    public required string[] SeatIds { get; set; }

    public BookingStatus Status { get; set; }

    /// <summary>Why the booking was rejected (<c>seats_taken</c>, <c>expired</c>, ...).</summary>
    public string? Reason { get; set; }

    public DateTime? HoldExpiresAt { get; set; }

    public string? CallbackUrl { get; set; }

    /// <summary>The client's <c>Idempotency-Key</c>; the booking id is derived from it and the customer.</summary>
    public string? IdempotencyKey { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime UpdatedAt { get; set; }

    /// <summary>Concurrency token: rises by one with every status change.</summary>
    public long Version { get; set; }

    /// <summary>
    /// The showtime's seat-map version that this booking's latest change produced, or null when its latest change
    /// moved no seat (a rejection, or an expiry whose seats went straight to another booking). With it the
    /// <c>SeatsChanged</c> of a change can be published again, exactly as it was.
    /// </summary>
    public long? SeatsVersion { get; set; }

    /// <summary>
    /// The highest <see cref="Version"/> whose events went out. Below <see cref="Version"/> means a change was
    /// committed but its events may not have been published yet; the republisher sends them.
    /// </summary>
    public long PublishedVersion { get; set; }
}

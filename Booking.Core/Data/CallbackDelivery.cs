namespace Booking.Core.Data;

/// <summary>One attempt to deliver a booking change to the booking's callback URL.</summary>
public sealed class CallbackDelivery
{
    public long Id { get; set; }

    public Guid BookingId { get; set; }

    /// <summary>The booking version the attempt delivered; receivers dedupe by (booking id, version).</summary>
    public long BookingVersion { get; set; }

    /// <summary>1 for the first try, then counting retries.</summary>
    public int Attempt { get; set; }

    public required string Url { get; set; }

    public DateTime AttemptedAt { get; set; }

    /// <summary>The receiver's HTTP status, if it answered.</summary>
    public int? StatusCode { get; set; }

    public bool Succeeded { get; set; }

    /// <summary>Why the attempt failed or was refused (e.g. a refused address); null on success.</summary>
    public string? Error { get; set; }
}

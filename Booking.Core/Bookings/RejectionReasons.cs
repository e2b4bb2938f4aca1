namespace Booking.Core.Bookings;

/// <summary>Values of a rejected booking's <c>reason</c>.</summary>
public static class RejectionReasons
{
    /// <summary>Another booking holds or bought at least one of the seats.</summary>
    public const string SeatsTaken = "seats_taken";

    /// <summary>The showtime or one of the seats does not exist (the ingress checks this; a command from elsewhere may not).</summary>
    public const string UnknownSeats = "unknown_seats";

    /// <summary>The hold lapsed before the confirmation arrived.</summary>
    public const string Expired = "expired";

    /// <summary>The command could not be applied after every retry; it went to the error queue.</summary>
    public const string ProcessingFailed = "processing_failed";
}

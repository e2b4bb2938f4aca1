namespace Booking.Standalone;

/// <summary>The <c>Standalone</c> section: what the one-process run adds to the roles it hosts.</summary>
public sealed class StandaloneOptions
{
    public const string Section = "Standalone";

    /// <summary>
    /// Whether a demo showtime is created when the database has none still to come: at the first start, and at a start
    /// after the last one started.
    /// </summary>
    public bool DemoShowtime { get; set; } = true;
}

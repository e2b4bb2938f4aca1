using System.ComponentModel.DataAnnotations;

namespace Booking.Worker.Sweeping;

/// <summary>The <c>Worker:Sweeper</c> section.</summary>
public sealed class SweeperOptions
{
    public const string Section = "Worker:Sweeper";

    /// <summary>Seconds between sweeps.</summary>
    [Range(0.05, 3600)]
    public double IntervalSeconds { get; set; } = 1;

    /// <summary>The most bookings one sweep handles.</summary>
    [Range(1, 100000)]
    public int BatchSize { get; set; } = 500;

    /// <summary>
    /// How long past its expiry a hold is left before the sweeper ends it. Correctness never waits for the sweeper
    /// (a lapsed hold already counts as free); a grace lets a confirmation that raced the clock win.
    /// </summary>
    [Range(0, 3600)]
    public double GraceSeconds { get; set; }

    /// <summary>How old an unpublished change must be before the sweeper publishes it for a process that died.</summary>
    [Range(0.1, 3600)]
    public double RepublishAfterSeconds { get; set; } = 10;
}

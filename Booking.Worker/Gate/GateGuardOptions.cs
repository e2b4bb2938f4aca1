using System.ComponentModel.DataAnnotations;

namespace Booking.Worker.Gate;

/// <summary>The <c>Worker:Gate</c> section.</summary>
public sealed class GateGuardOptions
{
    public const string Section = "Worker:Gate";

    /// <summary>Seconds between checks that the gate still has its data.</summary>
    [Range(0.1, 3600)]
    public double CheckSeconds { get; set; } = 2;
}

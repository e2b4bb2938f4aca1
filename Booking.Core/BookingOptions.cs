using System.ComponentModel.DataAnnotations;

namespace Booking.Core;

/// <summary>The <c>Booking</c> configuration section shared by every service.</summary>
public sealed class BookingOptions
{
    public const string Section = "Booking";

    /// <summary>How many partition queues the showtimes are spread over. Every service must agree.</summary>
    [Range(1, 1024)]
    public int Partitions { get; set; } = 16;

    /// <summary>Hold length when a showtime does not say.</summary>
    [Range(10, 3600)]
    public int DefaultHoldSeconds { get; set; } = 600;

    /// <summary>The longest hold a showtime may ask for.</summary>
    [Range(10, 86400)]
    public int MaxHoldSeconds { get; set; } = 1800;

    /// <summary>The most seats one booking may ask for.</summary>
    [Range(1, 100)]
    public int MaxSeatsPerBooking { get; set; } = 10;

    /// <summary>
    /// How much longer a gate lock lives than the hold it guards, to cover the time the command waits in the queue.
    /// The sweeper frees the lock when the hold expires, so the extra time costs nothing.
    /// </summary>
    [Range(0, 600)]
    public int GateSlackSeconds { get; set; } = 30;
}

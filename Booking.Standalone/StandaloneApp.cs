namespace Booking.Standalone;

/// <summary>Names the standalone assembly for hosts that start it in-process (tests, benchmarks).</summary>
public sealed class StandaloneApp;

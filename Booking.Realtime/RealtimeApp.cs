namespace Booking.Realtime;

/// <summary>Names the realtime assembly for hosts that start it in-process (tests, benchmarks).</summary>
public sealed class RealtimeApp;

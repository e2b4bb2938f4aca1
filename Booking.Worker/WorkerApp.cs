namespace Booking.Worker;

/// <summary>Names the worker assembly for hosts that start it in-process (tests, benchmarks).</summary>
public sealed class WorkerApp;

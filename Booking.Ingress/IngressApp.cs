namespace Booking.Ingress;

/// <summary>Names the ingress assembly for hosts that start it in-process (tests, benchmarks).</summary>
public sealed class IngressApp;

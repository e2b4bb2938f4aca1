namespace Booking.Worker.Callbacks;

/// <summary>A callback's host may not be called: it is not allowed, or it resolved to an address that is not.</summary>
public sealed class CallbackRefusedException(string reason) : Exception(reason);

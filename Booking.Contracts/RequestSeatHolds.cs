namespace Booking.Contracts;

/// <summary>
/// Hold requests for one partition that the ingress sends as one message: those that arrive while the partition's
/// previous send waits for the broker go together in the next. The worker applies each as if it came alone, in the
/// order given, each to its own outcome; a message costs the broker the same whether it carries one hold or a hundred.
/// </summary>
/// <param name="Holds">The requests, in the order the ingress accepted them.</param>
public sealed record RequestSeatHolds(IReadOnlyList<RequestSeatHold> Holds);

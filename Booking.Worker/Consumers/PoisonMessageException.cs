namespace Booking.Worker.Consumers;

/// <summary>
/// Fails the message of a command that cannot be applied because of its content (a poison message). The partition
/// consumers' retry (<see cref="CommandRetry"/>) skips it, so MassTransit moves the message to the partition's error
/// queue at once, with the fault in its headers: the one way a command is parked.
/// </summary>
public sealed class PoisonMessageException(Guid bookingId, Exception cause)
    : Exception($"The command for booking {bookingId} cannot be applied: {cause.Message}", cause);

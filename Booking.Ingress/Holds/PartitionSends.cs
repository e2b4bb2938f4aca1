using Booking.Core.Messaging;
using MassTransit;

namespace Booking.Ingress.Holds;

/// <summary>Sends commands to a partition queue within the caller's time.</summary>
public static class PartitionSends
{
    /// <summary>
    /// Sends <paramref name="message"/> to the partition's queue and gives up when <paramref name="cancellationToken"/>
    /// fires, even where MassTransit does not look at it: while the broker stops answering, the send after one that
    /// was cancelled waits for a new channel until the broker is back (15 s of a 20 s stall in
    /// <c>BrokerOutageTests</c>). A send given up on may still reach the queue later, as after any time-out.
    /// </summary>
    /// <remarks>The message goes as its runtime type, whatever type it is passed as.</remarks>
    public static async Task SendToPartitionAsync(
        this ISendEndpointProvider sender, int partition, object message, CancellationToken cancellationToken)
    {
        var endpoint = await sender.GetSendEndpoint(PartitionAddresses.For(partition)).WaitAsync(cancellationToken);
        await endpoint.Send(message, cancellationToken).WaitAsync(cancellationToken);
    }
}

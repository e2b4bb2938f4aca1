using Booking.Core.Partitioning;

namespace Booking.Core.Messaging;

/// <summary>
/// Send addresses of the partition queues. The queues are declared with single active consumer (RabbitMQ 3.8+) by
/// the sender and the receiver alike, so whichever declares first, the arguments agree.
/// </summary>
public static class PartitionAddresses
{
    public static Uri For(int partition) =>
        new($"queue:{ShowtimePartitions.QueueName(partition)}?singleactiveconsumer=true");
}

namespace Booking.Core.Partitioning;

/// <summary>
/// Maps a showtime to its partition queue. The hash is FNV-1a over the id's bytes: stable across processes, runtimes
/// and machines (unlike <see cref="object.GetHashCode"/>), so every ingress and worker agrees.
/// </summary>
public static class ShowtimePartitions
{
    public const string QueuePrefix = "booking-partition-";

    public static int PartitionOf(Guid showtimeId, int partitions)
    {
        Span<byte> bytes = stackalloc byte[16];
        showtimeId.TryWriteBytes(bytes);
        var hash = 2166136261u;
        foreach (var b in bytes)
        {
            hash = (hash ^ b) * 16777619u;
        }

        return (int)(hash % (uint)partitions);
    }

    public static string QueueName(int partition) => QueuePrefix + partition;

    public static string QueueFor(Guid showtimeId, int partitions) => QueueName(PartitionOf(showtimeId, partitions));

    /// <summary>
    /// The Redis key where workers report how long the partition's latest holds waited from the ingress to their
    /// commit, in milliseconds; the ingresses shed holds for a partition whose holds wait too long.
    /// </summary>
    public static string DelayKey(int partition) => $"booking:partition:{partition}:delay-ms";
}

using System.ComponentModel.DataAnnotations;

namespace Booking.Worker.Partitions;

/// <summary>The <c>Worker:Partitions</c> section: how workers share the partition queues.</summary>
public sealed class PartitionOptions
{
    public const string Section = "Worker:Partitions";

    /// <summary>This worker's name among the live workers; unique per process by default.</summary>
    public string WorkerId { get; set; } = $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid():N}"[..^24];

    /// <summary>How often a worker renews its heartbeat and re-scores the partitions.</summary>
    [Range(0.1, 60)]
    public double HeartbeatSeconds { get; set; } = 1;

    /// <summary>How long a silent worker counts as alive; its partitions move to others after this.</summary>
    [Range(0.5, 300)]
    public double WorkerTtlSeconds { get; set; } = 4;

    /// <summary>
    /// Messages fetched ahead per partition, all of them in progress at once. With the group commit's own bound
    /// (<see cref="Core.Batching.GroupCommit{T}.MaxBatch"/>) this bounds how many requests one transaction can take; a
    /// message from the ingress may carry many holds (<see cref="Contracts.RequestSeatHolds"/>).
    /// </summary>
    [Range(1, 10000)]
    public int PrefetchCount { get; set; } = 100;

    /// <summary>
    /// How many transactions this worker runs at once: its partitions share this many group-commit lanes
    /// (<see cref="Partitions.CommitLanes"/>). Fewer lanes make bigger batches, so fewer commits and messages per
    /// hold; more let one batch be prepared while others commit. On a 2-core machine with everything on it, 2 lanes
    /// held 1,000 holds/s with a lower tail than 4 (fewer, bigger transactions) and stored a many-sales burst about
    /// as soon, though its holds waited longer in the queues after their 202 (the ingress, with more of the CPU, took
    /// them in sooner); with 1 the worker fell behind in many-sales (BENCHMARKS.md). Since hold batches decide on kept
    /// rows (<see cref="Holds.KnownSeats"/>), 1 lane there gave a lower tail at a steady 1,000 holds/s in two of four
    /// runs and fewer holds committed per second in many-sales; measure 1 where steady latency matters more than a
    /// sale's burst.
    /// </summary>
    [Range(1, 64)]
    public int CommitLanes { get; set; } = 2;
}

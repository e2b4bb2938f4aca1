using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Booking.Worker.Partitions;

/// <summary>
/// The group-commit lane of each partition queue this worker consumes: its partitions share
/// <see cref="PartitionOptions.CommitLanes"/> lanes, dealt out in the order the queues are first seen. A lane runs
/// one transaction at a time, for the holds, confirms and cancels of all its partitions.
/// </summary>
/// <remarks>
/// A lane per partition ran a transaction, and published an event message, for each one or two holds at moderate
/// rates (1,000 holds/s spread over 16 partitions); sharing lanes makes those batches several times bigger (see
/// BENCHMARKS.md). A partition keeps one lane, so its holds, confirms and cancels still run one transaction at a time
/// and do not fail each other's version checks. A batch runs in the consume of the message that won the lane; when
/// that consume is cancelled (its partition is detached), the batch's other messages fail with it and are tried again
/// (<see cref="Consumers.CommandRetry"/>).
/// </remarks>
public sealed class CommitLanes(IOptions<PartitionOptions> options)
{
    private readonly ConcurrentDictionary<string, string> _lanes = new();
    private int _seen;

    /// <summary>The lane of the queue a message came from (its receive context's input address).</summary>
    public string For(Uri inputAddress) =>
        _lanes.GetOrAdd(
            inputAddress.AbsolutePath,
            _ => $"commit-lane-{(Interlocked.Increment(ref _seen) - 1) % options.Value.CommitLanes}");
}

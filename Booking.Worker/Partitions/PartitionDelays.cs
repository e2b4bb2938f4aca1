using Booking.Core;
using Booking.Core.Partitioning;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Booking.Worker.Partitions;

/// <summary>
/// Tells the ingresses how far behind each partition is: the longest a hold committed in the last moment waited
/// since its ingress accepted it (by the ingress's clock), written to Redis (<see cref="ShowtimePartitions.DelayKey"/>)
/// a few times a second. Each value lives for <see cref="Lifetime"/>, so a partition that commits nothing more (it
/// drained, or the ingresses stopped sending to it) stops being reported as behind. Without Redis (standalone) there
/// is no one to tell, and nothing is written.
/// </summary>
public sealed class PartitionDelays(
    IOptions<BookingOptions> options, ILogger<PartitionDelays> logger, IConnectionMultiplexer? redis = null) : BackgroundService
{
    /// <summary>How long a reported value stays in Redis.</summary>
    private static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(2);

    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

    private readonly long[] _longestMilliseconds = new long[options.Value.Partitions];

    /// <summary>Notes how long a hold of <paramref name="showtimeId"/> waited before its commit.</summary>
    public void Record(Guid showtimeId, TimeSpan waited)
    {
        if (redis is null)
        {
            return;
        }

        ref var longest = ref _longestMilliseconds[ShowtimePartitions.PartitionOf(showtimeId, _longestMilliseconds.Length)];
        var milliseconds = Math.Max(1, (long)waited.TotalMilliseconds);
        long seen;
        do
        {
            seen = Volatile.Read(ref longest);
            if (milliseconds <= seen)
            {
                return;
            }
        }
        while (Interlocked.CompareExchange(ref longest, milliseconds, seen) != seen);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (redis is null)
        {
            return;
        }

        using var timer = new PeriodicTimer(Interval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            var db = redis.GetDatabase();
            var writes = new List<Task>();
            try
            {
                for (var partition = 0; partition < _longestMilliseconds.Length; partition++)
                {
                    if (Interlocked.Exchange(ref _longestMilliseconds[partition], 0) is > 0 and var milliseconds)
                    {
                        writes.Add(db.StringSetAsync(ShowtimePartitions.DelayKey(partition), milliseconds, Lifetime));
                    }
                }

                await Task.WhenAll(writes);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                // A write may fail as it is made, when no connection is up. The ingresses then shed on the queue depth
                // alone until Redis is back.
                logger.LogDebug(ex, "Could not report the partitions' delays");
            }
        }
    }
}

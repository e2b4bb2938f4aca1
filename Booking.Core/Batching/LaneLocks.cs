using System.Collections.Concurrent;

namespace Booking.Core.Batching;

/// <summary>
/// One lock per lane. The worker shares one of these among all its group commits, and its partitions share a few
/// lanes (<c>CommitLanes</c> in the worker), so a partition's holds, confirms and cancels run one transaction at a
/// time. Each of them bumps the showtime's seat-map version; run side by side, they failed each other's version check
/// over and over (thousands of retried transactions a minute in the mixed benchmark).
/// </summary>
public sealed class LaneLocks
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _locks = new();

    public SemaphoreSlim For(string lane) => _locks.GetOrAdd(lane, _ => new SemaphoreSlim(1, 1));
}

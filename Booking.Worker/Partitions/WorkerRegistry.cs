using StackExchange.Redis;

namespace Booking.Worker.Partitions;

/// <summary>
/// The live workers: a Redis sorted set of worker ids scored by their last heartbeat. A worker that stops renewing
/// drops out after the TTL. Without Redis (standalone) the process is the only worker.
/// </summary>
public sealed class WorkerRegistry(IConnectionMultiplexer? redis = null)
{
    private const string Key = "booking:workers";

    /// <summary>Renews this worker's heartbeat and returns the workers alive now (this one included).</summary>
    public async Task<IReadOnlyCollection<string>> HeartbeatAsync(string workerId, TimeSpan ttl)
    {
        if (redis is null)
        {
            return [workerId];
        }

        var db = redis.GetDatabase();
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await db.SortedSetAddAsync(Key, workerId, now);
        await db.SortedSetRemoveRangeByScoreAsync(Key, double.NegativeInfinity, now - ttl.TotalMilliseconds);
        var live = await db.SortedSetRangeByScoreAsync(Key, now - ttl.TotalMilliseconds);
        return [.. live.Select(worker => worker.ToString())];
    }

    /// <summary>Leaves the set at once on a clean stop, so the others take over without waiting for the TTL.</summary>
    public async Task LeaveAsync(string workerId)
    {
        if (redis is not null)
        {
            await redis.GetDatabase().SortedSetRemoveAsync(Key, workerId);
        }
    }
}

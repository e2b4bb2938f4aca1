using System.Diagnostics;
using System.Globalization;
using Booking.Core.Batching;
using Booking.Core.Partitioning;
using Booking.Core.Telemetry;
using StackExchange.Redis;

namespace Booking.Core.Gate;

/// <summary>
/// The gate in Redis. Each operation is one Lua script over the seats of one showtime: one round trip, atomic, and
/// all-or-nothing for each hold. Holds go by group commit (<see cref="GroupCommit{T}"/>): while a lane's scripts are
/// out, the holds that arrive wait, and the next round trip carries them all, one script per showtime, each hold still
/// checked and taken on its own and in order. A quiet gate sends each hold at once; a herd at one showtime costs a
/// round trip per group instead of one per request (on this kind of virtual machine each round trip is mostly system
/// calls). Each round trip is timed into <see cref="BookingMetrics"/> (<c>booking.gate.duration</c>).
/// </summary>
public sealed class RedisSeatGate(IConnectionMultiplexer redis, BookingMetrics metrics) : ISeatGate
{
    /// <summary>
    /// The lanes of the hold groups; a showtime's holds always take the same one. A fixed few rather than one per
    /// showtime, because a group commit keeps every lane it has seen.
    /// </summary>
    private static readonly string[] HoldLaneNames = [.. Enumerable.Range(0, 16).Select(lane => lane.ToString(CultureInfo.InvariantCulture))];

    private readonly GroupCommit<PendingHold> _holds = new(new LaneLocks());

    // Holds for one showtime, applied in order as separate all-or-nothing holds. ARGV has three values per hold (owner,
    // TTL in ms, number of keys) and KEYS the holds' seats one after another. Each hold checks all its keys before it
    // writes any; the reply has one list per hold, of the 1-based indexes of its keys owned by someone else.
    private const string HoldScript = """
        local replies = {}
        local first = 1
        for h = 1, #ARGV / 3 do
          local owner, ttl, count = ARGV[3 * h - 2], ARGV[3 * h - 1], tonumber(ARGV[3 * h])
          local conflicts = {}
          for i = 1, count do
            local current = redis.call('GET', KEYS[first + i - 1])
            if current and current ~= owner then
              conflicts[#conflicts + 1] = i
            end
          end
          if #conflicts == 0 then
            for i = 1, count do
              redis.call('SET', KEYS[first + i - 1], owner, 'PX', ttl)
            end
          end
          replies[h] = conflicts
          first = first + count
        end
        return replies
        """;

    private const string ReleaseScript = """
        local released = 0
        for _, key in ipairs(KEYS) do
          if redis.call('GET', key) == ARGV[1] then
            redis.call('DEL', key)
            released = released + 1
          end
        end
        return released
        """;

    // A sold seat's key is kept with no TTL; a key that lapsed or was lost is written again.
    private const string MarkSoldScript = """
        for _, key in ipairs(KEYS) do
          local owner = redis.call('GET', key)
          if not owner or owner == ARGV[1] then
            redis.call('SET', key, ARGV[1])
          end
        end
        return #KEYS
        """;

    // Sets the rebuilt marker only if the rebuild's token is still there. A Redis that restarted empty or was flushed
    // after the rebuild began lost the token, and some of the rebuild's locks with it; commands sent while the
    // connection was down reach the new, empty server, so without this check the marker could outlive the locks.
    private const string MarkRebuiltScript = """
        if redis.call('DEL', KEYS[1]) == 0 then
          return 0
        end
        redis.call('SET', KEYS[2], ARGV[1])
        return 1
        """;

    private const string RebuiltMarkerKey = "booking:gate:rebuilt";

    // The marker's name as a hash tag: a token hashes to the marker's Redis Cluster slot, so one script sees both.
    private const string RebuildTokenKeyPrefix = "{" + RebuiltMarkerKey + "}:rebuilding:";

    /// <summary>How long a token outlives a rebuild that never ended (its worker died), so none are left behind.</summary>
    private static readonly TimeSpan RebuildTokenTtl = TimeSpan.FromHours(1);

    private IDatabase Database => redis.GetDatabase();

    public async Task<IReadOnlyList<string>> TryHoldAsync(
        Guid showtimeId, IReadOnlyList<string> seatIds, Guid owner, TimeSpan ttl)
    {
        var hold = new PendingHold(showtimeId, seatIds, owner, ttl);
        await _holds.RunAsync(HoldLaneNames[ShowtimePartitions.PartitionOf(showtimeId, HoldLaneNames.Length)], hold, HoldGroupAsync, CancellationToken.None);
        return hold.Conflicts;
    }

    /// <summary>One script per showtime in the group, sent together; a script that fails fails only its holds.</summary>
    private async Task HoldGroupAsync(IReadOnlyList<PendingHold> holds, Action<int, Exception> fail)
    {
        var started = Stopwatch.GetTimestamp();
        var scripts = Enumerable.Range(0, holds.Count)
            .GroupBy(index => holds[index].ShowtimeId)
            .Select(group => (Indexes: group.ToList(), Reply: Database.ScriptEvaluateAsync(HoldScript, HoldKeys(holds, group), HoldValues(holds, group))))
            .ToList();
        foreach (var (indexes, reply) in scripts)
        {
            try
            {
                var conflictsPerHold = (RedisResult[])(await reply)!;
                for (var i = 0; i < indexes.Count; i++)
                {
                    var hold = holds[indexes[i]];
                    hold.Conflicts = [.. ((long[])conflictsPerHold[i]!).Select(seat => hold.SeatIds[(int)seat - 1])];
                }
            }
            catch (Exception ex)
            {
                indexes.ForEach(index => fail(index, ex));
            }
        }

        metrics.GateCalled("hold", Stopwatch.GetElapsedTime(started));
    }

    private static RedisKey[] HoldKeys(IReadOnlyList<PendingHold> holds, IEnumerable<int> indexes) =>
        [.. indexes.SelectMany(index => holds[index].SeatIds.Select(seatId => (RedisKey)GateKeys.For(holds[index].ShowtimeId, seatId)))];

    private static RedisValue[] HoldValues(IReadOnlyList<PendingHold> holds, IEnumerable<int> indexes) =>
        [.. indexes.SelectMany(index => new RedisValue[]
        {
            holds[index].Owner.ToString("N"), (long)holds[index].Ttl.TotalMilliseconds, holds[index].SeatIds.Count,
        })];

    public Task ReleaseAsync(Guid showtimeId, IReadOnlyList<string> seatIds, Guid owner) =>
        RunAsync("release", ReleaseScript, Keys(showtimeId, seatIds), [owner.ToString("N")]);

    public Task MarkSoldAsync(Guid showtimeId, IReadOnlyList<string> seatIds, Guid owner) =>
        RunAsync("sold", MarkSoldScript, Keys(showtimeId, seatIds), [owner.ToString("N")]);

    public async Task RestoreAsync(IReadOnlyList<GateLock> locks)
    {
        var batch = Database.CreateBatch();
        var writes = locks
            .Select(l => batch.StringSetAsync(GateKeys.For(l.ShowtimeId, l.SeatId), l.Owner.ToString("N"), l.Ttl))
            .ToList();
        batch.Execute();
        await Task.WhenAll(writes);
    }

    public Task<bool> IsRebuiltAsync() => Database.KeyExistsAsync(RebuiltMarkerKey);

    public async Task<string> BeginRebuildAsync()
    {
        var rebuild = Guid.NewGuid().ToString("N");
        await Database.StringSetAsync(RebuildTokenKeyPrefix + rebuild, DateTimeOffset.UtcNow.ToString("O"), RebuildTokenTtl);
        return rebuild;
    }

    public async Task<bool> MarkRebuiltAsync(string rebuild) =>
        (long)await Database.ScriptEvaluateAsync(
            MarkRebuiltScript, [RebuildTokenKeyPrefix + rebuild, RebuiltMarkerKey], [DateTimeOffset.UtcNow.ToString("O")]) == 1;

    private async Task<RedisResult> RunAsync(string operation, string script, RedisKey[] keys, RedisValue[] values)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            return await Database.ScriptEvaluateAsync(script, keys, values);
        }
        finally
        {
            metrics.GateCalled(operation, Stopwatch.GetElapsedTime(started));
        }
    }

    /// <summary>A hold waiting in its group; the group's script sets <see cref="Conflicts"/>.</summary>
    private sealed record PendingHold(Guid ShowtimeId, IReadOnlyList<string> SeatIds, Guid Owner, TimeSpan Ttl)
    {
        public IReadOnlyList<string> Conflicts { get; set; } = [];
    }

    private static RedisKey[] Keys(Guid showtimeId, IReadOnlyList<string> seatIds) =>
        [.. seatIds.Select(seatId => (RedisKey)GateKeys.For(showtimeId, seatId))];
}

using System.Diagnostics;
using Booking.Core.Telemetry;
using StackExchange.Redis;

namespace Booking.Core.Gate;

/// <summary>
/// The gate in Redis. Each operation is one Lua script over the seats of one showtime: one round trip, atomic, and
/// all-or-nothing for holds. Each round trip is timed into <see cref="BookingMetrics"/> (<c>booking.gate.duration</c>).
/// </summary>
public sealed class RedisSeatGate(IConnectionMultiplexer redis, BookingMetrics metrics) : ISeatGate
{
    // Checks every key before writing any; returns the 1-based indexes of keys owned by someone else.
    private const string HoldScript = """
        local conflicts = {}
        for i, key in ipairs(KEYS) do
          local owner = redis.call('GET', key)
          if owner and owner ~= ARGV[1] then
            conflicts[#conflicts + 1] = i
          end
        end
        if #conflicts > 0 then
          return conflicts
        end
        for _, key in ipairs(KEYS) do
          redis.call('SET', key, ARGV[1], 'PX', ARGV[2])
        end
        return conflicts
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

    private const string RebuiltMarkerKey = "booking:gate:rebuilt";

    private IDatabase Database => redis.GetDatabase();

    public async Task<IReadOnlyList<string>> TryHoldAsync(
        Guid showtimeId, IReadOnlyList<string> seatIds, Guid owner, TimeSpan ttl)
    {
        var result = await RunAsync(
            "hold", HoldScript, Keys(showtimeId, seatIds), [owner.ToString("N"), (long)ttl.TotalMilliseconds]);
        var conflicts = (long[]?)result ?? [];
        return [.. conflicts.Select(index => seatIds[(int)index - 1])];
    }

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

    public Task MarkRebuiltAsync() => Database.StringSetAsync(RebuiltMarkerKey, DateTimeOffset.UtcNow.ToString("O"));

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

    private static RedisKey[] Keys(Guid showtimeId, IReadOnlyList<string> seatIds) =>
        [.. seatIds.Select(seatId => (RedisKey)GateKeys.For(showtimeId, seatId))];
}

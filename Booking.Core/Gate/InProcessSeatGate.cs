namespace Booking.Core.Gate;

/// <summary>
/// The gate inside one process, for the standalone run: the same contract as <see cref="RedisSeatGate"/> with a
/// dictionary under a lock. Like Redis it forgets everything on restart; the database stays the truth.
/// </summary>
public sealed class InProcessSeatGate(TimeProvider clock) : ISeatGate
{
    private readonly Dictionary<string, (Guid Owner, DateTimeOffset? ExpiresAt)> _locks = [];
    private readonly Lock _sync = new();
    private bool _rebuilt;

    public Task<IReadOnlyList<string>> TryHoldAsync(
        Guid showtimeId, IReadOnlyList<string> seatIds, Guid owner, TimeSpan ttl)
    {
        var now = clock.GetUtcNow();
        lock (_sync)
        {
            IReadOnlyList<string> conflicts =
            [
                .. seatIds.Where(seatId => OwnerAt(GateKeys.For(showtimeId, seatId), now) is { } current && current != owner),
            ];
            if (conflicts.Count == 0)
            {
                foreach (var seatId in seatIds)
                {
                    _locks[GateKeys.For(showtimeId, seatId)] = (owner, now + ttl);
                }
            }

            return Task.FromResult(conflicts);
        }
    }

    public Task ReleaseAsync(Guid showtimeId, IReadOnlyList<string> seatIds, Guid owner)
    {
        var now = clock.GetUtcNow();
        lock (_sync)
        {
            foreach (var key in seatIds.Select(seatId => GateKeys.For(showtimeId, seatId)))
            {
                if (OwnerAt(key, now) == owner)
                {
                    _locks.Remove(key);
                }
            }
        }

        return Task.CompletedTask;
    }

    public Task MarkSoldAsync(Guid showtimeId, IReadOnlyList<string> seatIds, Guid owner)
    {
        var now = clock.GetUtcNow();
        lock (_sync)
        {
            foreach (var key in seatIds.Select(seatId => GateKeys.For(showtimeId, seatId)))
            {
                if (OwnerAt(key, now) is not { } current || current == owner)
                {
                    _locks[key] = (owner, null);
                }
            }
        }

        return Task.CompletedTask;
    }

    public Task RestoreAsync(IReadOnlyList<GateLock> locks)
    {
        var now = clock.GetUtcNow();
        lock (_sync)
        {
            foreach (var l in locks)
            {
                _locks[GateKeys.For(l.ShowtimeId, l.SeatId)] = (l.Owner, now + l.Ttl);
            }
        }

        return Task.CompletedTask;
    }

    public Task<bool> IsRebuiltAsync() => Task.FromResult(Volatile.Read(ref _rebuilt));

    /// <summary>The gate lives and dies with this process, so a rebuild it sees start always ends with its data.</summary>
    public Task<string> BeginRebuildAsync() => Task.FromResult(Guid.NewGuid().ToString("N"));

    public Task<bool> MarkRebuiltAsync(string rebuild)
    {
        Volatile.Write(ref _rebuilt, true);
        return Task.FromResult(true);
    }

    /// <summary>The key's owner, or null when it is missing or lapsed (a lapsed key is dropped, as Redis would).</summary>
    private Guid? OwnerAt(string key, DateTimeOffset now)
    {
        if (!_locks.TryGetValue(key, out var entry))
        {
            return null;
        }

        if (entry.ExpiresAt <= now)
        {
            _locks.Remove(key);
            return null;
        }

        return entry.Owner;
    }
}

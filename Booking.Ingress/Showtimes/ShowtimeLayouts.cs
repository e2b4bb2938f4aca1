using System.Collections.Concurrent;
using Booking.Core.Batching;
using Booking.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;

namespace Booking.Ingress.Showtimes;

/// <summary>
/// Caches showtime layouts in memory. A showtime's seats never change after it is created, so the herd is checked
/// against memory and the database is read once per showtime per ingress instance: the requests that arrive while
/// the layout loads (at a sale's opening, hundreds at once) wait for that one read instead of making their own.
/// </summary>
/// <remarks>
/// Loads go by group commit (<see cref="GroupCommit{T}"/>): while one read is out, the showtimes asked for meanwhile
/// wait and the next read takes them all, with one database context. When many sales open together, each showtime's
/// first hold otherwise read its layout with a context of its own, and in that burst the context pool built a new
/// one for each (docs/benchmarks-log.md, the first second of an overload).
/// </remarks>
public sealed class ShowtimeLayouts(IMemoryCache cache, IServiceScopeFactory scopes)
{
    private static readonly TimeSpan UnknownShowtimeTtl = TimeSpan.FromSeconds(1);

    private const int MaxSharedSeatIds = 50_000;

    private readonly ConcurrentDictionary<Guid, Lazy<Task<ShowtimeLayout?>>> _loading = new();

    private readonly GroupCommit<PendingLayout> _loads = new(new LaneLocks());

    private readonly ConcurrentDictionary<string, string> _seatIds = new(StringComparer.Ordinal);

    private int _seatIdCount;

    public async Task<ShowtimeLayout?> FindAsync(Guid showtimeId, CancellationToken cancellationToken)
    {
        if (cache.TryGetValue(showtimeId, out ShowtimeLayout? cached))
        {
            return cached;
        }

        var load = _loading.GetOrAdd(showtimeId, id => new Lazy<Task<ShowtimeLayout?>>(() => LoadAsync(id)));
        try
        {
            return await load.Value.WaitAsync(cancellationToken);
        }
        finally
        {
            // The layout is in the cache before the load completes, so later requests find it there.
            _loading.TryRemove(KeyValuePair.Create(showtimeId, load));
        }
    }

    private async Task<ShowtimeLayout?> LoadAsync(Guid showtimeId)
    {
        var pending = new PendingLayout(showtimeId);
        await _loads.RunAsync("layouts", pending, LoadGroupAsync, CancellationToken.None);
        return pending.Layout;
    }

    private async Task LoadGroupAsync(IReadOnlyList<PendingLayout> group)
    {
        var ids = group.Select(pending => pending.ShowtimeId).ToList();
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BookingDbContext>();
        // Two flat reads: one projection with the seat list nested in it cost half as much CPU again (1.02 against
        // 0.65-0.73 ms for 500 seats); EF Core's collection shaper built delegates while it read the rows.
        var showtimes = await db.Showtimes.AsNoTracking()
            .Where(s => ids.Contains(s.Id))
            .Select(s => new { s.Id, s.HoldSeconds, s.StartsAt })
            .ToDictionaryAsync(s => s.Id);
        // Streamed into each showtime's set, not listed first: a collection during the read (at a sale's opening one
        // comes every few hundred milliseconds) would otherwise keep every row of the group alive and promote it.
        var seatIds = showtimes.Keys.ToDictionary(id => id, _ => new HashSet<string>(StringComparer.Ordinal));
        var rows = db.Seats.AsNoTracking()
            .Where(seat => ids.Contains(seat.ShowtimeId))
            .Select(seat => new { seat.ShowtimeId, seat.SeatId })
            .AsAsyncEnumerable();
        await foreach (var row in rows)
        {
            // A showtime created between the two reads has seats but was not found: it stays unknown for now.
            if (seatIds.TryGetValue(row.ShowtimeId, out var set))
            {
                set.Add(SharedSeatId(row.SeatId));
            }
        }

        foreach (var pending in group)
        {
            pending.Layout = showtimes.TryGetValue(pending.ShowtimeId, out var showtime)
                ? new ShowtimeLayout(pending.ShowtimeId, showtime.HoldSeconds, showtime.StartsAt.AsUtc(), seatIds[pending.ShowtimeId])
                : null;
            // An unknown id is remembered only briefly: the showtime may have just been created on another instance.
            cache.Set(pending.ShowtimeId, pending.Layout, pending.Layout is null ? UnknownShowtimeTtl : TimeSpan.FromHours(1));
        }
    }

    /// <summary>
    /// The one string kept for a seat id. Auditoriums repeat from showtime to showtime, so the layouts of a sale on 160
    /// showtimes of 500 seats share about 500 strings instead of holding 80,000 of their own. All of them are new at
    /// the sale's opening, where each collection copied them: the first collections of a full-mix overload moved 5.95
    /// MB out of generation 0 instead of 8.85 (docs/benchmarks-log.md, twelfth session). Bounded, since seat ids are
    /// whatever admins named them: past <see cref="MaxSharedSeatIds"/> distinct ids, a layout keeps the strings it read.
    /// </summary>
    private string SharedSeatId(string seatId)
    {
        if (_seatIds.TryGetValue(seatId, out var shared))
        {
            return shared;
        }

        if (Volatile.Read(ref _seatIdCount) >= MaxSharedSeatIds)
        {
            return seatId;
        }

        var kept = _seatIds.GetOrAdd(seatId, seatId);
        if (ReferenceEquals(kept, seatId))
        {
            Interlocked.Increment(ref _seatIdCount);
        }

        return kept;
    }

    /// <summary>A showtime waiting in its group; the group's read sets <see cref="Layout"/> (null when unknown).</summary>
    private sealed record PendingLayout(Guid ShowtimeId)
    {
        public ShowtimeLayout? Layout { get; set; }
    }
}

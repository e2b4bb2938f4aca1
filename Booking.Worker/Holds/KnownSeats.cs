using System.Collections.Concurrent;
using System.Diagnostics;
using Booking.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Booking.Worker.Holds;

/// <summary>
/// The last committed rows of the showtimes this worker writes (the showtime and all its seats), so that a hold batch
/// decides without reading them: a batch is then one write, not two reads and a write. What is kept is only ever a
/// row as some transaction committed it, and each row is replaced only by a newer version of itself.
/// </summary>
/// <remarks>
/// <para>
/// Nothing here is trusted for correctness. A hold taken on a kept row is written under that row's concurrency
/// token, as one taken on a row just read is: when a writer that did not tell this one (another worker, say) changed
/// the row since, the save fails, the showtime is forgotten, and the batch is decided again on rows read
/// fresh (<see cref="WriteRetry"/>). A batch is decided from kept rows only when every seat it asks for is kept and
/// free: a refusal writes nothing to the seat, so no version check could catch a refusal made on a stale row, and
/// such a batch reads its rows as before.
/// </para>
/// <para>
/// Every writer of seats in the worker tells this after its commit (<see cref="Learn"/>), so the rows stay current and
/// version checks rarely fail. A showtime is kept in full once a batch asks for it, and at most
/// <see cref="DefaultMaxSeats"/> seats are kept in all; the showtimes used longest ago go first. In many-sales, 100,000
/// seats kept raised the worker's resident memory by 23-44 MB.
/// </para>
/// <para>
/// Rows changed outside the worker's transactions must move their <c>version</c> on, as every writer here does: a
/// change that left it as it was would not fail the next kept-row write.
/// </para>
/// </remarks>
public sealed class KnownSeats(int maxSeats = KnownSeats.DefaultMaxSeats)
{
    /// <summary>The most seats kept by default, over all showtimes: twice many-sales' 200 showtimes of 500 seats.</summary>
    public const int DefaultMaxSeats = 200_000;

    private readonly ConcurrentDictionary<Guid, KnownShowtime> _showtimes = new();

    /// <summary>How many showtimes are kept now.</summary>
    public int Count => _showtimes.Count;

    /// <summary>
    /// Attaches to <paramref name="db"/>, unchanged, copies of <paramref name="showtimeIds"/> and of the seats
    /// <paramref name="wanted"/>, reading the showtimes not kept yet in full first. Returns null, attaching nothing,
    /// when a showtime does not exist or a wanted seat is not kept or not free at <paramref name="now"/>: then the
    /// caller reads the rows itself.
    /// </summary>
    public async Task<(Dictionary<Guid, Showtime> Showtimes, Dictionary<(Guid ShowtimeId, string SeatId), Seat> Seats)?> TryAttachAsync(
        BookingDbContext db, IReadOnlyCollection<Guid> showtimeIds, IReadOnlyCollection<(Guid ShowtimeId, string SeatId)> wanted,
        DateTime now, CancellationToken cancellationToken)
    {
        await ReadMissingAsync(db, showtimeIds, cancellationToken);
        var kept = new Dictionary<Guid, KnownShowtime>(showtimeIds.Count);
        var showtimes = new Dictionary<Guid, Showtime>(showtimeIds.Count);
        var seats = new Dictionary<(Guid ShowtimeId, string SeatId), Seat>(wanted.Count);
        foreach (var id in showtimeIds)
        {
            // Missing also when it does not exist, or when another batch's read pushed it out just now.
            if (!_showtimes.TryGetValue(id, out var known))
            {
                return null;
            }

            lock (known)
            {
                known.LastUsed = Stopwatch.GetTimestamp();
                showtimes[id] = Copy(known.Showtime);
            }

            kept[id] = known;
        }

        foreach (var key in wanted)
        {
            var known = kept[key.ShowtimeId];
            lock (known)
            {
                if (!known.Seats.TryGetValue(key.SeatId, out var seat) || !seat.IsFreeAt(now))
                {
                    return null;
                }

                seats[key] = Copy(seat);
            }
        }

        db.Showtimes.AttachRange(showtimes.Values);
        db.Seats.AttachRange(seats.Values);
        return (showtimes, seats);
    }

    /// <summary>
    /// After a commit: every showtime and seat that <paramref name="db"/> tracks is now as committed, and replaces
    /// the kept row of a showtime kept here when it is newer.
    /// </summary>
    public void Learn(DbContext db)
    {
        // Nothing changed since the commit, so the entries need no change detection, which would visit every one.
        var detectChanges = db.ChangeTracker.AutoDetectChangesEnabled;
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        try
        {
            LearnTracked(db);
        }
        finally
        {
            db.ChangeTracker.AutoDetectChangesEnabled = detectChanges;
        }
    }

    private void LearnTracked(DbContext db)
    {
        foreach (var entry in db.ChangeTracker.Entries<Showtime>())
        {
            if (_showtimes.TryGetValue(entry.Entity.Id, out var known))
            {
                lock (known)
                {
                    if (entry.Entity.Version > known.Showtime.Version)
                    {
                        known.Showtime = Copy(entry.Entity);
                    }
                }
            }
        }

        foreach (var entry in db.ChangeTracker.Entries<Seat>())
        {
            var seat = entry.Entity;
            if (_showtimes.TryGetValue(seat.ShowtimeId, out var known))
            {
                lock (known)
                {
                    if (known.Seats.TryGetValue(seat.SeatId, out var kept) && seat.Version > kept.Version)
                    {
                        known.Seats[seat.SeatId] = Copy(seat);
                    }
                }
            }
        }
    }

    /// <summary>Drops these showtimes: their next batch reads them again in full.</summary>
    public void Forget(IEnumerable<Guid> showtimeIds)
    {
        foreach (var id in showtimeIds)
        {
            _showtimes.TryRemove(id, out _);
        }
    }

    private async Task ReadMissingAsync(BookingDbContext db, IReadOnlyCollection<Guid> showtimeIds, CancellationToken cancellationToken)
    {
        var missing = showtimeIds.Where(id => !_showtimes.ContainsKey(id)).ToList();
        if (missing.Count == 0)
        {
            return;
        }

        var showtimes = await db.Showtimes.AsNoTracking().Where(s => missing.Contains(s.Id)).ToListAsync(cancellationToken);
        var seats = (await db.Seats.AsNoTracking().Where(s => missing.Contains(s.ShowtimeId)).ToListAsync(cancellationToken))
            .ToLookup(s => s.ShowtimeId);
        foreach (var showtime in showtimes)
        {
            _showtimes.TryAdd(showtime.Id, new KnownShowtime(showtime, seats[showtime.Id].ToDictionary(s => s.SeatId)));
        }

        DropLeastUsed(keep: missing);
    }

    /// <summary>Runs only after a read of missing showtimes, so counting the kept seats here costs the batches nothing.</summary>
    private void DropLeastUsed(IReadOnlyCollection<Guid> keep)
    {
        var seatCount = _showtimes.Values.Sum(known => known.Seats.Count);
        foreach (var (id, known) in _showtimes.Where(pair => !keep.Contains(pair.Key)).OrderBy(pair => pair.Value.LastUsed).ToList())
        {
            if (seatCount <= maxSeats)
            {
                return;
            }

            Forget([id]);
            seatCount -= known.Seats.Count;
        }
    }

    private static Showtime Copy(Showtime showtime) => new()
    {
        Id = showtime.Id,
        Movie = showtime.Movie,
        Auditorium = showtime.Auditorium,
        StartsAt = showtime.StartsAt,
        HoldSeconds = showtime.HoldSeconds,
        CreatedAt = showtime.CreatedAt,
        Version = showtime.Version,
    };

    private static Seat Copy(Seat seat) => new()
    {
        ShowtimeId = seat.ShowtimeId,
        SeatId = seat.SeatId,
        Row = seat.Row,
        Number = seat.Number,
        Status = seat.Status,
        BookingId = seat.BookingId,
        HoldExpiresAt = seat.HoldExpiresAt,
        Version = seat.Version,
    };

    private sealed class KnownShowtime(Showtime showtime, Dictionary<string, Seat> seats)
    {
        public Showtime Showtime { get; set; } = showtime;

        public Dictionary<string, Seat> Seats { get; } = seats;

        public long LastUsed { get; set; } = Stopwatch.GetTimestamp();
    }
}

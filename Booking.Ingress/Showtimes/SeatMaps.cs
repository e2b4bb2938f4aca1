using System.Collections.Concurrent;
using System.Text.Json;
using Booking.Core;
using Booking.Core.Bookings;
using Booking.Core.Data;
using Booking.Ingress.Apis;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace Booking.Ingress.Showtimes;

/// <summary>
/// Reads seat maps, and serves a map again from memory while it is still exact. A map depends only on the seat rows
/// and the clock (a held seat whose hold lapsed shows as available). Every change of a seat increments the
/// showtime's version, so a map kept with its version stays exact until the version moves or the first of its holds
/// lapses. A read that finds such a map still asks the database for the current version (one primary-key lookup):
/// a buyer sees their own change at once, and ingress instances need no coordination. Only the full read (the
/// showtime's seat rows, about 30 KB of JSON for 500 seats) is saved, which is most of a read's cost; reads that miss
/// at the same time share one, and one that joins a full read another began checks it against the version too. At
/// most <see cref="MaxMaps"/> maps are kept, and none for longer than <see cref="KeptAtMost"/>, so a seat row changed
/// behind the services' back (a manual fix) is shown within that time.
/// </summary>
/// <remarks>
/// A map is kept as its JSON, written with the app's options when it is read: one array of about 30 KB for 500 seats.
/// Kept as objects (about 1,500 of them, 70 KB), the maps read since the last collection were most of what the
/// ingress's collections had to move when seat-map reads were part of the load: every collection in a mixed run was
/// one of generation 1, moving about 7 MB and stopping the ingress for 20-35 ms (BENCHMARKS.md).
/// </remarks>
public sealed class SeatMaps(IOptions<JsonOptions> json) : IDisposable
{
    /// <summary>The most maps kept at once; past it, the cache drops entries to make room.</summary>
    public const int MaxMaps = 256;

    /// <summary>A map not read for this long leaves memory.</summary>
    private static readonly TimeSpan KeptWhileRead = TimeSpan.FromSeconds(30);

    /// <summary>A map leaves memory this long after it was read from the database, read or not.</summary>
    private static readonly TimeSpan KeptAtMost = TimeSpan.FromSeconds(60);

    /// <summary>How many shared full reads a read waits for before it makes its own.</summary>
    private const int MaxSharedTries = 3;

    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = MaxMaps });

    /// <summary>The full read in progress per showtime, which reads that miss the kept map join.</summary>
    private readonly ConcurrentDictionary<Guid, Lazy<Task<SeatMapSnapshot?>>> _loading = new();

    /// <summary>The showtime's seat map as seen at <paramref name="now"/>; null when the showtime does not exist.</summary>
    public async Task<SeatMapSnapshot?> ReadAsync(BookingDbContext db, Guid showtimeId, DateTime now, CancellationToken cancellationToken)
    {
        // A map read before this read asked must have reached the current version to answer it.
        long? version = null;
        if (_cache.TryGetValue(showtimeId, out SeatMapSnapshot? kept) && now < kept!.ExactUntil)
        {
            version = await CurrentVersionAsync(db, showtimeId, cancellationToken);
            if (version is null)
            {
                return null;
            }

            if (Answers(kept, version.Value, now))
            {
                return kept;
            }
        }

        // After a change, every read in flight misses the kept map at once. Each making the full read took
        // PostgreSQL from 2-3 full reads per change to 23-63 and the reads' latency to seconds, so the reads that
        // miss together share one full read, made with the context of the read that starts it.
        for (var tries = 0; tries < MaxSharedTries; tries++)
        {
            var own = new Lazy<Task<SeatMapSnapshot?>>(() => LoadAndKeepAsync(db, showtimeId, now));
            var loading = _loading.GetOrAdd(showtimeId, own);
            // A full read this read started began after it asked; one it joined may have begun before a change.
            var joined = loading != own;
            if (joined)
            {
                version ??= await CurrentVersionAsync(db, showtimeId, cancellationToken);
            }

            SeatMapSnapshot? shared;
            try
            {
                shared = await loading.Value;
            }
            finally
            {
                _loading.TryRemove(KeyValuePair.Create(showtimeId, loading));
            }

            // A joined read older than the version this read found does not answer it: try the next.
            if (shared is null || !joined || (version is { } found && Answers(shared, found, now)))
            {
                return shared;
            }
        }

        return await LoadAndKeepAsync(db, showtimeId, now);
    }

    private static Task<long?> CurrentVersionAsync(BookingDbContext db, Guid showtimeId, CancellationToken cancellationToken) =>
        db.Showtimes.AsNoTracking()
            .Where(s => s.Id == showtimeId)
            .Select(s => (long?)s.Version)
            .FirstOrDefaultAsync(cancellationToken);

    /// <summary>Whether a map read earlier shows every change up to <paramref name="version"/>, exactly at <paramref name="now"/>.</summary>
    private static bool Answers(SeatMapSnapshot snapshot, long version, DateTime now) =>
        snapshot.Version >= version && now < snapshot.ExactUntil;

    /// <summary>
    /// The full read, kept for later reads. Not cancelled with a request, since other requests may wait for it; the
    /// database's command timeout bounds it.
    /// </summary>
    private async Task<SeatMapSnapshot?> LoadAndKeepAsync(BookingDbContext db, Guid showtimeId, DateTime now)
    {
        var snapshot = await LoadAsync(db, showtimeId, now, json.Value.SerializerOptions, CancellationToken.None);
        if (snapshot is not null)
        {
            _cache.Set(showtimeId, snapshot, new MemoryCacheEntryOptions
            {
                Size = 1,
                SlidingExpiration = KeptWhileRead,
                AbsoluteExpirationRelativeToNow = KeptAtMost,
            });
        }

        return snapshot;
    }

    private static async Task<SeatMapSnapshot?> LoadAsync(
        BookingDbContext db, Guid showtimeId, DateTime now, JsonSerializerOptions options, CancellationToken cancellationToken)
    {
        // One flat statement, so the version and the seats are one snapshot. A projection with the seat list nested
        // in it cost more: in the full mix's overload, EF Core's collection shaper (a key comparison per row) was 13% of
        // the ingress's CPU samples (docs/benchmarks-log.md, twelfth session).
        var rows = await db.Showtimes.AsNoTracking()
            .Where(s => s.Id == showtimeId)
            .Join(db.Seats, s => s.Id, seat => seat.ShowtimeId,
                (s, seat) => new { s.Version, seat.SeatId, seat.Row, seat.Number, seat.Status, seat.HoldExpiresAt })
            .ToListAsync(cancellationToken);
        // No rows: no such showtime, or one without seats, whose version no booking can move.
        var version = rows.Count > 0 ? rows[0].Version : await CurrentVersionAsync(db, showtimeId, cancellationToken);
        if (version is null)
        {
            return null;
        }

        var seats = rows
            .OrderBy(s => s.Row.Length).ThenBy(s => s.Row, StringComparer.Ordinal).ThenBy(s => s.Number)
            .Select(s => new SeatResponse(s.SeatId, s.Row, s.Number, StatusNames.Of(VisibleStatus(s.Status, s.HoldExpiresAt, now))))
            .ToList();
        var held = rows.Where(s => s.Status == SeatStatus.Held).ToList();
        var lapsed = held.Count(s => Seat.HoldLapsed(s.Status, s.HoldExpiresAt, now));
        var firstLapse = held
            .Where(s => !Seat.HoldLapsed(s.Status, s.HoldExpiresAt, now))
            .Select(s => s.HoldExpiresAt!.Value)
            .DefaultIfEmpty(DateTime.MaxValue)
            .Min();
        var map = new SeatMapResponse(showtimeId, version.Value, seats);
        return new SeatMapSnapshot(version.Value, JsonSerializer.SerializeToUtf8Bytes(map, options), ETagOf(version.Value, lapsed), firstLapse);
    }

    /// <summary>
    /// The map's entity tag: its version, and once holds of that version have lapsed, how many of its seats did.
    /// At one version the seat rows are fixed and their holds lapse in the order of their expiry, so the count tells
    /// every map of that version apart; with no lapsed hold, the usual case while the sweeper runs, the tag is the
    /// version alone.
    /// </summary>
    private static string ETagOf(long version, int lapsedSeats) =>
        lapsedSeats == 0 ? $"\"{version}\"" : $"\"{version}.{lapsedSeats}\"";

    public void Dispose() => _cache.Dispose();

    /// <summary>A held seat whose hold lapsed is free for the next buyer, so it shows as available.</summary>
    private static SeatStatus VisibleStatus(SeatStatus status, DateTime? holdExpiresAt, DateTime now) =>
        Seat.HoldLapsed(status, holdExpiresAt, now) ? SeatStatus.Available : status;
}

/// <summary>A seat map as read: its version, its JSON, its entity tag, and until when it is exact if no seat changes.</summary>
public sealed record SeatMapSnapshot(long Version, byte[] Json, string ETag, DateTime ExactUntil);

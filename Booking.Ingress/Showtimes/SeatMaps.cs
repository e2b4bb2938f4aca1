using Booking.Core;
using Booking.Core.Bookings;
using Booking.Core.Data;
using Booking.Ingress.Apis;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;

namespace Booking.Ingress.Showtimes;

/// <summary>
/// Reads seat maps, and serves a map again from memory while it is still exact. A map depends only on the seat rows
/// and the clock (a held seat whose hold lapsed shows as available). Every change of a seat increments the
/// showtime's version, so a map kept with its version stays exact until the version moves or the first of its holds
/// lapses. A read that finds such a map still asks the database for the current version (one primary-key lookup):
/// a buyer sees their own change at once, and ingress instances need no coordination. Only the full read (the showtime's seat rows,
/// about 30 KB of JSON for 500 seats) is saved, which is most of a read's cost. At most <see cref="MaxMaps"/> maps
/// (about 70 KB each for 500 seats) are kept, and none for longer than <see cref="KeptAtMost"/>, so a seat row
/// changed behind the services' back (a manual fix) is shown within that time.
/// </summary>
public sealed class SeatMaps : IDisposable
{
    /// <summary>The most maps kept at once; past it, the cache drops entries to make room.</summary>
    public const int MaxMaps = 256;

    /// <summary>A map not read for this long leaves memory.</summary>
    private static readonly TimeSpan KeptWhileRead = TimeSpan.FromSeconds(30);

    /// <summary>A map leaves memory this long after it was read from the database, read or not.</summary>
    private static readonly TimeSpan KeptAtMost = TimeSpan.FromSeconds(60);

    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = MaxMaps });

    private sealed record Snapshot(SeatMapResponse Map, DateTime ExactUntil);

    /// <summary>The showtime's seat map as seen at <paramref name="now"/>; null when the showtime does not exist.</summary>
    public async Task<SeatMapResponse?> ReadAsync(BookingDbContext db, Guid showtimeId, DateTime now, CancellationToken cancellationToken)
    {
        // The version is looked up only when there is a kept map it could confirm; otherwise the full read is the one
        // round trip.
        if (_cache.TryGetValue(showtimeId, out Snapshot? kept) && now < kept!.ExactUntil)
        {
            var version = await db.Showtimes.AsNoTracking()
                .Where(s => s.Id == showtimeId)
                .Select(s => (long?)s.Version)
                .FirstOrDefaultAsync(cancellationToken);
            if (version == kept.Map.Version)
            {
                return kept.Map;
            }
        }

        var snapshot = await LoadAsync(db, showtimeId, now, cancellationToken);
        if (snapshot is not null)
        {
            _cache.Set(showtimeId, snapshot, new MemoryCacheEntryOptions
            {
                Size = 1,
                SlidingExpiration = KeptWhileRead,
                AbsoluteExpirationRelativeToNow = KeptAtMost,
            });
        }

        return snapshot?.Map;
    }

    private static async Task<Snapshot?> LoadAsync(BookingDbContext db, Guid showtimeId, DateTime now, CancellationToken cancellationToken)
    {
        // One statement, so the version and the seats are one snapshot.
        var showtime = await db.Showtimes.AsNoTracking()
            .Where(s => s.Id == showtimeId)
            .Select(s => new
            {
                s.Version,
                Seats = s.Seats.Select(seat => new { seat.SeatId, seat.Row, seat.Number, seat.Status, seat.HoldExpiresAt }).ToList(),
            })
            .FirstOrDefaultAsync(cancellationToken);
        if (showtime is null)
        {
            return null;
        }

        var seats = showtime.Seats
            .OrderBy(s => s.Row.Length).ThenBy(s => s.Row, StringComparer.Ordinal).ThenBy(s => s.Number)
            .Select(s => new SeatResponse(s.SeatId, s.Row, s.Number, StatusNames.Of(VisibleStatus(s.Status, s.HoldExpiresAt, now))))
            .ToList();
        var firstLapse = showtime.Seats
            .Where(s => s.Status == SeatStatus.Held && s.HoldExpiresAt > now)
            .Select(s => s.HoldExpiresAt!.Value)
            .DefaultIfEmpty(DateTime.MaxValue)
            .Min();
        return new Snapshot(new SeatMapResponse(showtimeId, showtime.Version, seats), firstLapse);
    }

    public void Dispose() => _cache.Dispose();

    /// <summary>A held seat whose hold lapsed is free for the next buyer, so it shows as available.</summary>
    private static SeatStatus VisibleStatus(SeatStatus status, DateTime? holdExpiresAt, DateTime now) =>
        status == SeatStatus.Held && holdExpiresAt <= now ? SeatStatus.Available : status;
}

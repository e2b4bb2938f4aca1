using Microsoft.EntityFrameworkCore;

namespace Booking.Core.Data;

/// <summary>
/// Reads seats by their keys (showtime, seat), exactly the rows asked for. A batch of the worker asks for a few seats
/// in each of many showtimes; <c>showtime IN (...) AND seat IN (...)</c> would read the cross product, which grows
/// with the number of showtimes in the batch.
/// </summary>
public static class SeatLookup
{
    /// <summary>
    /// The seats with these keys, untracked; a key with no seat is left out. On PostgreSQL one join against the keys
    /// as two arrays; on any other database (SQLite, standalone) the cross product, filtered here.
    /// </summary>
    public static async Task<List<Seat>> FindSeatsAsync(
        this BookingDbContext db, IReadOnlyCollection<(Guid ShowtimeId, string SeatId)> keys, CancellationToken cancellationToken)
    {
        if (keys.Count == 0)
        {
            return [];
        }

        var showtimeIds = keys.Select(k => k.ShowtimeId).ToArray();
        var seatIds = keys.Select(k => k.SeatId).ToArray();
        if (db.Database.IsNpgsql())
        {
            return await db.Seats
                .FromSql($"""
                    SELECT s.* FROM seats s
                    JOIN unnest({showtimeIds}, {seatIds}) AS wanted(showtime_id, seat_id)
                      ON s.showtime_id = wanted.showtime_id AND s.seat_id = wanted.seat_id
                    """)
                .AsNoTracking()
                .ToListAsync(cancellationToken);
        }

        var wanted = keys.ToHashSet();
        var distinctShowtimes = showtimeIds.Distinct().ToList();
        var distinctSeats = seatIds.Distinct().ToList();
        return (await db.Seats.AsNoTracking()
                .Where(s => distinctShowtimes.Contains(s.ShowtimeId) && distinctSeats.Contains(s.SeatId))
                .ToListAsync(cancellationToken))
            .Where(s => wanted.Contains((s.ShowtimeId, s.SeatId)))
            .ToList();
    }
}

using Booking.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Booking.Core.Gate;

/// <summary>
/// Rebuilds the gate from PostgreSQL, the truth: every seat held (with the time its hold has left, plus the gate's
/// slack) and every seat sold (no TTL) is locked for its booking. Locks the database does not know of are left
/// alone: they belong to requests still in the queue, and lapse by themselves if those fail.
/// </summary>
public sealed class GateRebuilder(BookingDbContext db, ISeatGate gate, TimeProvider clock, IOptions<BookingOptions> options)
{
    private const int ChunkSize = 5_000;

    /// <summary>
    /// Rebuilds and sets the rebuilt marker; returns how many seat locks were written, or null when the gate lost its
    /// data while they were written (Redis restarted or was flushed), so the marker stays unset and it must run again.
    /// </summary>
    public async Task<int?> RebuildAsync(CancellationToken cancellationToken)
    {
        var rebuild = await gate.BeginRebuildAsync();
        var now = clock.GetUtcNow().UtcDateTime;
        var slack = TimeSpan.FromSeconds(options.Value.GateSlackSeconds);
        var taken = await db.Seats.AsNoTracking()
            .Where(s => s.BookingId != null && (s.Status == SeatStatus.Sold || (s.Status == SeatStatus.Held && s.HoldExpiresAt > now)))
            .Select(s => new { s.ShowtimeId, s.SeatId, BookingId = s.BookingId!.Value, s.Status, s.HoldExpiresAt })
            .ToListAsync(cancellationToken);
        var locks = taken
            .Select(s => new GateLock(s.ShowtimeId, s.SeatId, s.BookingId, s.Status == SeatStatus.Sold ? null : s.HoldExpiresAt!.Value - now + slack))
            .ToList();
        foreach (var chunk in locks.Chunk(ChunkSize))
        {
            await gate.RestoreAsync(chunk);
        }

        return await gate.MarkRebuiltAsync(rebuild) ? locks.Count : null;
    }
}

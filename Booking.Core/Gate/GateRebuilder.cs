using Booking.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Booking.Core.Gate;

/// <summary>
/// Rebuilds the gate from PostgreSQL, the truth: every seat held (with the time its hold has left, plus the gate's
/// slack) and every seat sold (no TTL) is locked for its booking. Locks the database does not know of are left
/// alone: they belong to requests still in the queue, and lapse by themselves if those fail. What moved while the
/// locks were written is put right by a second read (<see cref="PutRightWhatMovedAsync"/>).
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

        await PutRightWhatMovedAsync([.. locks.Where(l => l.Ttl is not null)], cancellationToken);
        return await gate.MarkRebuiltAsync(rebuild) ? locks.Count : null;
    }

    /// <summary>
    /// The second pass of a rebuild, over the seats it wrote as held. Such a seat may have been confirmed, cancelled
    /// or let lapse after the rebuild read it, and the worker's own change to the gate (marked sold, released) may
    /// have come before the rebuild wrote the old lock over it: a freed seat would then answer 409 until that lock
    /// lapsed, and a sold one would lose its lock when it did. So these seats are read again: one now sold to the same
    /// booking is marked sold, and one no longer held by that booking has the lock released if it still has it.
    /// </summary>
    public async Task PutRightWhatMovedAsync(IReadOnlyList<GateLock> writtenAsHeld, CancellationToken cancellationToken)
    {
        foreach (var chunk in writtenAsHeld.Chunk(ChunkSize))
        {
            var seats = (await db.FindSeatsAsync([.. chunk.Select(l => (l.ShowtimeId, l.SeatId))], cancellationToken))
                .ToDictionary(s => (s.ShowtimeId, s.SeatId));
            foreach (var written in chunk)
            {
                var seat = seats.GetValueOrDefault((written.ShowtimeId, written.SeatId));
                if (seat?.BookingId == written.Owner && seat.Status == SeatStatus.Sold)
                {
                    await gate.MarkSoldAsync(written.ShowtimeId, [written.SeatId], written.Owner);
                }
                else if (seat?.BookingId != written.Owner || seat.Status != SeatStatus.Held)
                {
                    await gate.ReleaseAsync(written.ShowtimeId, [written.SeatId], written.Owner);
                }
            }
        }
    }
}

using Booking.Contracts;
using Booking.Core.Bookings;
using Booking.Core.Data;
using Booking.Core.Telemetry;
using Booking.Worker.Partitions;
using Booking.Worker.Publishing;
using Microsoft.EntityFrameworkCore;

namespace Booking.Worker.Holds;

/// <summary>
/// Applies many hold requests in one transaction, in arrival order, each to its own exact outcome: all its seats
/// held, or rejected with <c>seats_taken</c>. One commit for many holds is the main throughput lever. A first attempt
/// decides on the rows this worker last committed (<see cref="KnownSeats"/>), so it reads nothing; a retry reads them.
/// </summary>
public sealed class HoldBatch(
    BookingDbContext db, WriteRetry retry, KnownSeats known, TimeProvider clock, BookingMetrics metrics, PartitionDelays delays)
{
    /// <summary>
    /// Applies <paramref name="commands"/> and saves, deciding again on fresh rows when another writer got there
    /// first (<see cref="WriteRetry"/>). Returns every booking whose latest change must be published: the new ones,
    /// holds that lapsed and were expired on the way, and ones that already existed (a redelivery publishes the
    /// stored outcome again rather than applying twice).
    /// </summary>
    /// <remarks>
    /// A booking id is stored already only when its request comes again (a redelivery, or a resend after a send
    /// time-out), and then the insert fails on the primary key. So the first attempt inserts without looking for
    /// stored bookings, and only a retry looks: that saves a query in every batch for what happens in few.
    /// </remarks>
    public Task<IReadOnlyList<BookingRecord>> ApplyAsync(IReadOnlyList<RequestSeatHold> commands, CancellationToken cancellationToken) =>
        retry.RunAsync(attempt => ApplyOnceAsync(commands, lookForStored: attempt > 1, cancellationToken), cancellationToken);

    private async Task<IReadOnlyList<BookingRecord>> ApplyOnceAsync(
        IReadOnlyList<RequestSeatHold> commands, bool lookForStored, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var pending = commands.DistinctBy(c => c.BookingId).ToList();
        var ids = pending.Select(c => c.BookingId).ToList();
        var existing = lookForStored ? await db.Bookings.Where(b => ids.Contains(b.Id)).ToListAsync(cancellationToken) : [];
        var changed = new List<BookingRecord>(existing);
        pending.RemoveAll(c => existing.Any(b => b.Id == c.BookingId));
        if (pending.Count == 0)
        {
            return changed;
        }

        var showtimeIds = pending.Select(c => c.ShowtimeId).Distinct().ToList();
        var wanted = pending.SelectMany(c => c.SeatIds.Select(seatId => (c.ShowtimeId, seatId))).ToHashSet();
        var (showtimes, seats) = (lookForStored ? null : await known.TryAttachAsync(db, showtimeIds, wanted, now, cancellationToken))
            ?? await ReadAsync(showtimeIds, wanted, cancellationToken);
        var lapsed = await LoadLapsedHoldsAsync(seats.Values, now, cancellationToken);

        var requestedBookings = new List<BookingRecord>(pending.Count);
        foreach (var command in pending)
        {
            var booking = NewBooking(command, now);
            db.Bookings.Add(booking);
            changed.Add(booking);
            requestedBookings.Add(booking);

            var requested = command.SeatIds.Select(seatId => seats.GetValueOrDefault((command.ShowtimeId, seatId))).ToList();
            if (!showtimes.TryGetValue(command.ShowtimeId, out var showtime) || requested.Any(s => s is null))
            {
                BookingTransitions.Reject(booking, RejectionReasons.UnknownSeats, now);
                continue;
            }

            if (requested.Any(s => !s!.IsFreeAt(now)))
            {
                BookingTransitions.Reject(booking, RejectionReasons.SeatsTaken, now);
                continue;
            }

            // A lapsed hold ends as expired first, in full, so its booking and all its seats agree.
            foreach (var seat in requested)
            {
                if (seat!.BookingId is { } owner && lapsed.Remove(owner, out var expired))
                {
                    BookingTransitions.End(expired.Booking, BookingStatus.Expired, null, showtime, expired.Seats, now);
                    changed.Add(expired.Booking);
                }
            }

            BookingTransitions.Hold(booking, showtime, requested!, now);
        }

        // Decided now, so their versions are final; the lapsed holds ended on the way stay unpublished until marked.
        requestedBookings.ForEach(OutcomePublisher.CarriedByMessage);

        try
        {
            await db.SaveChangesSetBasedAsync(cancellationToken);
        }
        catch
        {
            // A kept row may have been stale; the retry reads the rows, and the next batch the showtimes in full.
            known.Forget(showtimeIds);
            throw;
        }

        known.Learn(db);
        Count(pending, changed.Skip(existing.Count).ToList(), clock.GetUtcNow());
        return changed;
    }

    /// <summary>The batch's showtimes and the seats it asks for, read from the database and tracked.</summary>
    private async Task<(Dictionary<Guid, Showtime> Showtimes, Dictionary<(Guid ShowtimeId, string SeatId), Seat> Seats)> ReadAsync(
        List<Guid> showtimeIds, HashSet<(Guid ShowtimeId, string SeatId)> wanted, CancellationToken cancellationToken)
    {
        var showtimes = await db.Showtimes.Where(s => showtimeIds.Contains(s.Id)).ToDictionaryAsync(s => s.Id, cancellationToken);
        var seats = (await db.FindSeatsAsync(wanted, cancellationToken)).ToDictionary(s => (s.ShowtimeId, s.SeatId));
        db.Seats.AttachRange(seats.Values);
        return (showtimes, seats);
    }

    private void Count(List<RequestSeatHold> applied, List<BookingRecord> changed, DateTimeOffset committedAt)
    {
        var outcomes = changed.ToDictionary(b => b.Id);
        foreach (var command in applied)
        {
            var waited = committedAt - command.RequestedAt;
            delays.Record(command.ShowtimeId, waited);
            if (outcomes[command.BookingId].Status == BookingStatus.Held)
            {
                metrics.HoldCommitted(waited);
            }
            else
            {
                metrics.HoldRejectedInWorker();
            }
        }

        metrics.HoldsExpired(changed.Count(b => b.Status == BookingStatus.Expired));
    }

    /// <summary>The row of a new request, not yet decided. A poison message may lack fields; they are stored empty.</summary>
    internal static BookingRecord NewBooking(RequestSeatHold command, DateTime now) => new()
    {
        Id = command.BookingId,
        ShowtimeId = command.ShowtimeId,
        CustomerId = command.CustomerId ?? "",
        SeatIds = [.. command.SeatIds ?? []],
        CallbackUrl = command.CallbackUrl,
        IdempotencyKey = command.IdempotencyKey,
        CreatedAt = now,
        UpdatedAt = now,
    };

    /// <summary>The still-held bookings behind requested seats whose hold has lapsed, with all their seats.</summary>
    private async Task<Dictionary<Guid, (BookingRecord Booking, List<Seat> Seats)>> LoadLapsedHoldsAsync(
        IEnumerable<Seat> requestedSeats, DateTime now, CancellationToken cancellationToken)
    {
        var owners = requestedSeats
            .Where(s => Seat.HoldLapsed(s.Status, s.HoldExpiresAt, now) && s.BookingId is not null)
            .Select(s => s.BookingId!.Value)
            .Distinct()
            .ToList();
        if (owners.Count == 0)
        {
            return [];
        }

        var bookings = await db.Bookings
            .Where(b => owners.Contains(b.Id) && b.Status == BookingStatus.Held)
            .ToListAsync(cancellationToken);
        // Already-tracked seats come back as the same instances, so changes through either reference agree.
        var ownedSeats = await db.Seats
            .Where(s => s.BookingId != null && owners.Contains(s.BookingId.Value))
            .ToListAsync(cancellationToken);
        return bookings.ToDictionary(
            b => b.Id,
            b => (b, ownedSeats.Where(s => s.BookingId == b.Id).ToList()));
    }
}

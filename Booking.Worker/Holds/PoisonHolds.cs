using System.Data.Common;
using Booking.Contracts;
using Booking.Core.Bookings;
using Booking.Core.Data;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace Booking.Worker.Holds;

/// <summary>
/// Handles a batch that failed for a reason other than the infrastructure: each request is applied alone, and one
/// that still fails is a poison message. Its booking is stored as <c>rejected</c> (<c>processing_failed</c>), so the
/// customer gets a final answer instead of <c>pending</c> forever, and the caller fails its message, which parks it
/// in the partition's error queue for an operator. Infrastructure failures (database, network, timeouts) are not
/// poison: they are thrown, so the message is retried and, after the bounded retries, lands in the error queue as it
/// is.
/// </summary>
public sealed class PoisonHolds(HoldBatch holds, BookingDbContext db, TimeProvider clock, ILogger<PoisonHolds> logger)
{
    /// <summary>
    /// Whether the failure lies in the message rather than in the infrastructure: a database error of SQL state
    /// class 22 (data exception) or 23 (constraint violation), or a plain code error on the message's content. Any
    /// other database error (connection, missing schema, resources) is the system's, and must not reject bookings.
    /// </summary>
    public static bool IsPoison(Exception exception) => exception switch
    {
        DbUpdateConcurrencyException => false,
        DbException database => database.SqlState is { } state && (state.StartsWith("22", StringComparison.Ordinal) || state.StartsWith("23", StringComparison.Ordinal)),
        DbUpdateException { InnerException: { } inner } => IsPoison(inner),
        DbUpdateException or TimeoutException or OperationCanceledException or IOException or MassTransitException => false,
        _ when exception.InnerException is { } inner => IsPoison(inner),
        _ => true,
    };

    /// <summary>
    /// Applies one request in its own transaction. A poison request is stored as rejected; then
    /// <see cref="AloneOutcome.Poison"/> is its cause, and the caller fails its message.
    /// </summary>
    public async Task<AloneOutcome> ApplyAloneAsync(RequestSeatHold command, CancellationToken cancellationToken)
    {
        try
        {
            return new(await holds.ApplyAsync([command], cancellationToken), null);
        }
        catch (Exception ex) when (IsPoison(ex))
        {
            return await RejectAsync(command, ex, cancellationToken);
        }
    }

    /// <summary>
    /// Stores a request that failed alone, by <paramref name="cause"/>, as rejected, without applying it again:
    /// it would fail the same way. A request whose own fields cannot be stored even as a rejection (one the ingress
    /// would have refused) leaves no booking; its message is parked all the same, and the batch's other outcomes are
    /// still published.
    /// </summary>
    public async Task<AloneOutcome> RejectAsync(RequestSeatHold command, Exception cause, CancellationToken cancellationToken)
    {
        logger.LogError(cause, "Hold {BookingId} cannot be applied; rejecting it and parking its message in the error queue", command.BookingId);
        db.ChangeTracker.Clear();
        try
        {
            return new([await StoreRejectionAsync(command, cancellationToken)], cause);
        }
        catch (Exception ex) when (IsPoison(ex))
        {
            logger.LogError(ex, "Hold {BookingId} cannot be stored even as rejected; parking its message with nothing stored", command.BookingId);
            db.ChangeTracker.Clear();
            return new([], cause);
        }
    }

    private async Task<BookingRecord> StoreRejectionAsync(RequestSeatHold command, CancellationToken cancellationToken)
    {
        if (await db.Bookings.FindAsync([command.BookingId], cancellationToken) is { } existing)
        {
            return existing;
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var booking = HoldBatch.NewBooking(command, now);
        BookingTransitions.Reject(booking, RejectionReasons.ProcessingFailed, now);
        db.Bookings.Add(booking);
        await db.SaveChangesAsync(cancellationToken);
        return booking;
    }

    /// <summary>The bookings a request applied alone changed, and the cause when it was a poison message.</summary>
    public sealed record AloneOutcome(IReadOnlyList<BookingRecord> Bookings, Exception? Poison);
}

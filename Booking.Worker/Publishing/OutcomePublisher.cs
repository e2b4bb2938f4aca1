using Booking.Contracts;
using Booking.Core.Bookings;
using Booking.Core.Data;
using Booking.Core.Gate;
using Booking.Worker.Callbacks;
using MassTransit;

namespace Booking.Worker.Publishing;

/// <summary>
/// What follows a committed booking change: the gate is told (sold seats stay locked, freed seats are unlocked), the
/// events of all the changes are published together in one <see cref="BookingsChanged"/>, and the rows stored as not
/// yet published are marked published (by <see cref="PublishedMarks"/>, within a moment). A crash before the mark
/// leaves them unpublished, and the <see cref="Sweeping.UnpublishedChangeSweeper"/> publishes them again. A change
/// to the booking a message names is stored as published already (<see cref="CarriedByMessage"/>): that message
/// is its record until the publish. At-least-once either way.
/// A booking with a callbackUrl also has its <c>BookingStatusChanged</c> sent to the callbacks' queue; the others
/// cost that queue nothing.
/// </summary>
/// <remarks>
/// One message per commit instead of two per change: in many-sales, publishing no events at all raised the holds
/// committed per second by a quarter (RabbitMQ and the realtime service spent that CPU), so their count is what
/// costs, not their size.
/// </remarks>
public sealed class OutcomePublisher(
    PublishedMarks marks, ISeatGate gate, ISendEndpointProvider sendEndpoints, TimeProvider clock, ILogger<OutcomePublisher> logger)
{
    private static readonly Uri CallbackQueue = new($"queue:{CallbackEndpoint.QueueName}");

    /// <summary>
    /// Stores <paramref name="booking"/>'s change as published in the write that makes it. For a change to the booking
    /// named by the message being consumed: that message is acknowledged only after the publish, so a crash in
    /// between redelivers it, and the redelivery publishes the stored state (the hold batch and the confirms and
    /// cancels return a booking that exists already). A mark after the publish would be a second write of the row
    /// for nothing, and one that cannot be HOT (the index of unpublished rows names the column). Changes made on the
    /// side (a lapsed hold that a new hold ends, a sweep) stay unpublished until marked. A message whose publish fails
    /// through all its retries is parked in the error queue with its change stored as published; sent again from
    /// there, it publishes the stored state (README, "State change and event never part").
    /// </summary>
    public static void CarriedByMessage(BookingRecord booking) => booking.PublishedVersion = booking.Version;

    /// <summary>
    /// Updates the gate for <paramref name="changed"/>, then publishes their events (and callbacks). With the hold
    /// requests of a batch (<paramref name="holds"/>), it also releases the gate keys a request took for seats its
    /// booking does not have: a request that names a booking stored with other seats (an <c>Idempotency-Key</c> sent
    /// twice at once with different seats passes the gate twice as that booking's owner) is not applied, and its
    /// keys would otherwise answer 409 for free seats until they lapsed.
    /// </summary>
    public async Task PublishAsync(
        IPublishEndpoint publisher, IReadOnlyCollection<BookingRecord> changed, IReadOnlyList<RequestSeatHold> holds,
        CancellationToken cancellationToken)
    {
        if (changed.Count == 0)
        {
            return;
        }

        // The gate first, right after the commit: a buyer who learns that seats were freed (from the booking, the
        // seat map or an event) must find the gate already open for them.
        await UpdateGateAsync(changed, holds);
        var now = clock.GetUtcNow();
        List<BookingStatusChanged> statusChanges = [.. changed.Select(booking => BookingEvents.StatusChanged(booking, now))];
        List<SeatsChanged> seatChanges = [.. changed.Select(BookingEvents.SeatsChanged).OfType<SeatsChanged>()];
        var publishes = new List<Task> { publisher.Publish(new BookingsChanged(statusChanges, seatChanges), cancellationToken) };
        var withCallbacks = statusChanges.Where(change => change.CallbackUrl is not null).ToList();
        if (withCallbacks.Count > 0)
        {
            var callbacks = await sendEndpoints.GetSendEndpoint(CallbackQueue);
            publishes.AddRange(withCallbacks.Select(change => callbacks.Send(change, cancellationToken)));
        }

        await Task.WhenAll(publishes);
        foreach (var booking in changed.Where(booking => booking.PublishedVersion < booking.Version))
        {
            marks.Add(booking.Id, booking.Version);
        }
    }

    private async Task UpdateGateAsync(IReadOnlyCollection<BookingRecord> changed, IReadOnlyList<RequestSeatHold> holds)
    {
        try
        {
            // Commands to one connection are pipelined, so these run as about one round trip.
            await Task.WhenAll(changed.Select(booking => booking.Status switch
            {
                BookingStatus.Confirmed => gate.MarkSoldAsync(booking.ShowtimeId, booking.SeatIds, booking.Id),
                BookingStatus.Rejected or BookingStatus.Cancelled or BookingStatus.Expired =>
                    gate.ReleaseAsync(booking.ShowtimeId, booking.SeatIds, booking.Id),
                _ => Task.CompletedTask,
            }).Concat(SeatsNotBooked(changed, holds).Select(stray => gate.ReleaseAsync(stray.ShowtimeId, stray.Seats, stray.BookingId))));
        }
        catch (Exception ex) when (ex is StackExchange.Redis.RedisException or TimeoutException)
        {
            // The gate only saves work; the database already has the truth. A rebuild restores the gate.
            logger.LogWarning(ex, "Could not update the seat gate after {Count} booking changes", changed.Count);
        }
    }

    /// <summary>The seats each hold request named that its booking (among <paramref name="changed"/>) does not have.</summary>
    private static IEnumerable<(Guid ShowtimeId, List<string> Seats, Guid BookingId)> SeatsNotBooked(
        IReadOnlyCollection<BookingRecord> changed, IReadOnlyList<RequestSeatHold> holds)
    {
        if (holds.Count == 0)
        {
            yield break;
        }

        var bookings = changed.DistinctBy(booking => booking.Id).ToDictionary(booking => booking.Id);
        foreach (var hold in holds)
        {
            // The usual request names exactly its booking's seats, which SequenceEqual finds without building a set.
            if (bookings.TryGetValue(hold.BookingId, out var booking) && !hold.SeatIds.SequenceEqual(booking.SeatIds) &&
                hold.SeatIds.Except(booking.SeatIds).ToList() is { Count: > 0 } seats)
            {
                yield return (hold.ShowtimeId, seats, hold.BookingId);
            }
        }
    }
}

using Booking.Core.Batching;
using Booking.Core.Data;
using Booking.Worker.Holds;
using Booking.Worker.Partitions;
using Booking.Worker.Publishing;
using MassTransit;

namespace Booking.Worker.Consumers;

/// <summary>
/// Applies the confirms and cancels of a partition by group commit, as holds are: the ones that arrive while a
/// transaction runs go into the next one. Run one by one, a sale's confirms queued on the showtime's row lock
/// (each bumps the seat-map version) and held it while the worker was busy. A message is acknowledged only after
/// its batch's events went out. A batch that fails on a request's content (<see cref="PoisonHolds.IsPoison"/>) is
/// applied one request at a time, so the bad request fails only its own message, which goes to the error queue at
/// once (<see cref="PoisonMessageException"/>); any other failure (the database is away) fails the batch's messages,
/// which are retried.
/// </summary>
public sealed class HeldBookingCommands(GroupCommit<HeldBookingChange> groups, CommitLanes lanes, IServiceProvider scope, ILogger<HeldBookingCommands> logger)
{
    public Task RunAsync(ConsumeContext context, HeldBookingChange change) =>
        groups.RunAsync(
            lanes.For(context.ReceiveContext.InputAddress),
            change,
            (changes, fail) => ApplyAsync(context, changes, fail),
            context.CancellationToken);

    private async Task ApplyAsync(ConsumeContext context, IReadOnlyList<HeldBookingChange> changes, Action<int, Exception> fail)
    {
        var cancellationToken = context.CancellationToken;
        var held = scope.GetRequiredService<HeldBookings>();
        // By id, so each booking is published once, in its latest state: a confirm and a cancel of one booking return
        // it twice, and applied one by one they return two copies of it.
        var touched = new Dictionary<Guid, BookingRecord>();
        async Task ApplyAndKeepAsync(IReadOnlyList<HeldBookingChange> some)
        {
            foreach (var booking in await held.ApplyAsync(some, cancellationToken))
            {
                touched[booking.Id] = booking;
            }
        }

        try
        {
            await ApplyAndKeepAsync(changes);
        }
        catch (Exception ex) when (changes.Count == 1 && PoisonHolds.IsPoison(ex))
        {
            Park(0, ex);
        }
        catch (Exception ex) when (PoisonHolds.IsPoison(ex))
        {
            logger.LogWarning(ex, "A batch of {Count} confirms and cancels failed; applying them one at a time", changes.Count);
            for (var i = 0; i < changes.Count; i++)
            {
                try
                {
                    await ApplyAndKeepAsync([changes[i]]);
                }
                catch (Exception alone) when (PoisonHolds.IsPoison(alone))
                {
                    Park(i, alone);
                }
            }
        }

        await scope.GetRequiredService<OutcomePublisher>().PublishAsync(context, touched.Values, [], cancellationToken);

        void Park(int index, Exception cause)
        {
            logger.LogError(cause, "Confirm or cancel of booking {BookingId} cannot be applied; parking its message in the error queue", changes[index].BookingId);
            fail(index, new PoisonMessageException(changes[index].BookingId, cause));
        }
    }
}

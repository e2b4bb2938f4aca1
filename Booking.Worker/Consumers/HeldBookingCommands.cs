using System.Runtime.ExceptionServices;
using Booking.Core.Data;
using Booking.Worker.Holds;
using Booking.Worker.Publishing;
using MassTransit;

namespace Booking.Worker.Consumers;

/// <summary>
/// Applies the confirms and cancels of a partition by group commit, as holds are: the ones that arrive while a
/// transaction runs go into the next one. Run one by one, a sale's confirms queued on the showtime's row lock
/// (each bumps the seat-map version) and held it while the worker was busy. A message is acknowledged only after
/// its batch's events went out. A batch that fails on a request's content (<see cref="PoisonHolds.IsPoison"/>) is
/// applied one request at a time, so the bad request fails only its own message; any other failure (the database
/// is away) fails the batch's messages, which are retried.
/// </summary>
public sealed class HeldBookingCommands(GroupCommit<HeldBookingChange> groups, IServiceProvider scope, ILogger<HeldBookingCommands> logger)
{
    public async Task RunAsync(ConsumeContext context, HeldBookingChange change)
    {
        await groups.RunAsync(
            context.ReceiveContext.InputAddress.AbsolutePath,
            change,
            changes => ApplyAsync(context, changes),
            context.CancellationToken);
        if (change.Failure is { } failure)
        {
            ExceptionDispatchInfo.Throw(failure);
        }
    }

    private async Task ApplyAsync(ConsumeContext context, IReadOnlyList<HeldBookingChange> changes)
    {
        var cancellationToken = context.CancellationToken;
        var held = scope.GetRequiredService<HeldBookings>();
        var retry = scope.GetRequiredService<WriteRetry>();
        // By id, the latest state last: applied one by one, a confirm and a cancel of one booking return it twice.
        var touched = new Dictionary<Guid, BookingRecord>();
        try
        {
            foreach (var booking in await retry.RunAsync(() => held.ApplyAsync(changes, cancellationToken), cancellationToken))
            {
                touched[booking.Id] = booking;
            }
        }
        catch (Exception ex) when (changes.Count > 1 && PoisonHolds.IsPoison(ex))
        {
            logger.LogWarning(ex, "A batch of {Count} confirms and cancels failed; applying them one at a time", changes.Count);
            foreach (var change in changes)
            {
                try
                {
                    foreach (var booking in await retry.RunAsync(() => held.ApplyAsync([change], cancellationToken), cancellationToken))
                    {
                        touched[booking.Id] = booking;
                    }
                }
                catch (Exception alone) when (PoisonHolds.IsPoison(alone))
                {
                    logger.LogError(alone, "Confirm or cancel of booking {BookingId} cannot be applied", change.BookingId);
                    change.Failure = alone;
                }
            }
        }

        await scope.GetRequiredService<OutcomePublisher>().PublishAsync(context, touched.Values, cancellationToken);
    }
}

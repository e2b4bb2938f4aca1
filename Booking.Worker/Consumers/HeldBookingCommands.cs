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
/// its batch's events went out. When a batch fails, each of its requests is applied alone, so one bad request fails
/// only its own message.
/// </summary>
public sealed class HeldBookingCommands(GroupCommit<HeldBookingChange> groups, IServiceProvider scope)
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
        List<BookingRecord> touched = [];
        try
        {
            touched.AddRange(await retry.RunAsync(() => held.ApplyAsync(changes, cancellationToken), cancellationToken));
        }
        catch (Exception ex) when (changes.Count > 1 && ex is not OperationCanceledException)
        {
            foreach (var change in changes)
            {
                try
                {
                    touched.AddRange(await retry.RunAsync(() => held.ApplyAsync([change], cancellationToken), cancellationToken));
                }
                catch (Exception alone) when (alone is not OperationCanceledException)
                {
                    change.Failure = alone;
                }
            }
        }

        await scope.GetRequiredService<OutcomePublisher>().PublishAsync(context, touched, cancellationToken);
    }
}

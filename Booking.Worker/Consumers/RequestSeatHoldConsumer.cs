using System.Runtime.ExceptionServices;
using Booking.Contracts;
using Booking.Core.Batching;
using Booking.Core.Data;
using Booking.Worker.Holds;
using Booking.Worker.Partitions;
using Booking.Worker.Publishing;
using MassTransit;

namespace Booking.Worker.Consumers;

/// <summary>
/// Applies the hold requests of its partitions by group commit (<see cref="GroupCommit{T}"/>, in the partition's
/// lane of <see cref="CommitLanes"/>): one transaction per batch, each request to its own outcome, then the events.
/// A message is acknowledged only after its batch's events went out, so a crash in between redelivers it, and the
/// redelivery publishes the stored outcome instead of applying again. A request that cannot be applied at all (a
/// poison message) is isolated so it cannot sink its batch: it ends
/// <c>rejected</c> with reason <c>processing_failed</c>, and its message fails with a
/// <see cref="PoisonMessageException"/>, which parks it in the partition's error queue for inspection (with the
/// other holds of its <see cref="RequestSeatHolds"/>, which were applied; sent again, they are found stored).
/// The ingress sends holds as <see cref="RequestSeatHolds"/>; a lone <see cref="RequestSeatHold"/> (from an ingress
/// of an earlier version, still in a queue after an upgrade, or sent by hand) is applied the same way.
/// </summary>
/// <remarks>
/// Hundreds of these wait at once on a busy partition, and only the one that runs the batch touches the database, so
/// the database services are resolved from the message's scope when the batch runs, not for every waiting message.
/// </remarks>
public sealed class RequestSeatHoldConsumer(GroupCommit<RequestSeatHold> groups, CommitLanes lanes, IServiceProvider scope)
    : IConsumer<RequestSeatHold>, IConsumer<RequestSeatHolds>
{
    public Task Consume(ConsumeContext<RequestSeatHold> context) => HoldAsync(context, context.Message);

    /// <summary>
    /// Each hold of the message joins the group commit as if it had come alone, in the message's order. When some
    /// fail, a failure that a retry may mend is thrown first, so the message is tried again (the holds it already
    /// applied are then found stored and published again) rather than parked with holds never applied. Otherwise what
    /// the holds threw goes on as it is: a poison message, or the cancellation of a consume cut short by a shutdown.
    /// </summary>
    public async Task Consume(ConsumeContext<RequestSeatHolds> context)
    {
        var holds = context.Message.Holds.Select(hold => HoldAsync(context, hold)).ToList();
        try
        {
            await Task.WhenAll(holds);
        }
        catch
        {
            if (holds.Where(hold => hold.IsFaulted).Select(hold => hold.Exception!.InnerException!)
                    .FirstOrDefault(failure => failure is not PoisonMessageException) is { } mendable)
            {
                ExceptionDispatchInfo.Throw(mendable);
            }

            throw;
        }
    }

    private Task HoldAsync(ConsumeContext context, RequestSeatHold hold) =>
        groups.RunAsync(
            lanes.For(context.ReceiveContext.InputAddress),
            hold,
            (commands, fail) => ApplyAsync(context, commands, fail),
            context.CancellationToken);

    private async Task ApplyAsync(ConsumeContext context, IReadOnlyList<RequestSeatHold> commands, Action<int, Exception> fail)
    {
        var cancellationToken = context.CancellationToken;
        var holds = scope.GetRequiredService<HoldBatch>();
        List<BookingRecord> changed = [];
        try
        {
            changed.AddRange(await holds.ApplyAsync(commands, cancellationToken));
        }
        catch (Exception ex) when (PoisonHolds.IsPoison(ex))
        {
            var poison = scope.GetRequiredService<PoisonHolds>();
            for (var i = 0; i < commands.Count; i++)
            {
                // A lone request already failed alone; applied again it would fail the same way.
                var outcome = commands.Count == 1
                    ? await poison.RejectAsync(commands[i], ex, cancellationToken)
                    : await poison.ApplyAloneAsync(commands[i], cancellationToken);
                changed.AddRange(outcome.Bookings);
                if (outcome.Poison is { } cause)
                {
                    fail(i, new PoisonMessageException(commands[i].BookingId, cause));
                }
            }
        }

        await scope.GetRequiredService<OutcomePublisher>().PublishAsync(context, changed, commands, cancellationToken);
    }
}

using Booking.Contracts;
using Booking.Core.Data;
using Booking.Worker.Holds;
using Booking.Worker.Publishing;
using MassTransit;

namespace Booking.Worker.Consumers;

/// <summary>
/// Applies the hold requests of a partition by group commit (<see cref="GroupCommit{T}"/>): one transaction per
/// batch, each request to its own outcome, then the events. A message is acknowledged only after its batch's events
/// went out, so a crash in between redelivers it, and the redelivery publishes the stored outcome instead of applying
/// again. A request that cannot be applied at all (a poison message) is isolated so it cannot sink its batch: it ends
/// <c>rejected</c> with reason <c>processing_failed</c> and a copy goes to the partition's error queue for inspection.
/// </summary>
public sealed class RequestSeatHoldConsumer(
    GroupCommit<RequestSeatHold> groups, HoldBatch holds, PoisonHolds poison, OutcomePublisher outcomes, WriteRetry retry)
    : IConsumer<RequestSeatHold>
{
    public Task Consume(ConsumeContext<RequestSeatHold> context) =>
        groups.RunAsync(
            context.ReceiveContext.InputAddress.AbsolutePath,
            context.Message,
            commands => ApplyAsync(context, commands),
            context.CancellationToken);

    private async Task ApplyAsync(ConsumeContext context, IReadOnlyList<RequestSeatHold> commands)
    {
        var cancellationToken = context.CancellationToken;
        List<BookingRecord> changed = [];
        try
        {
            changed.AddRange(await retry.RunAsync(() => holds.ApplyAsync(commands, cancellationToken), cancellationToken));
        }
        catch (Exception ex) when (PoisonHolds.IsPoison(ex))
        {
            foreach (var command in commands)
            {
                changed.AddRange(await poison.ApplyAloneAsync(context, command, cancellationToken));
            }
        }

        await outcomes.PublishAsync(context, changed, cancellationToken);
    }
}

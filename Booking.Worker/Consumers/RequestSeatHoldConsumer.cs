using Booking.Contracts;
using Booking.Worker.Holds;
using Booking.Worker.Publishing;
using MassTransit;

namespace Booking.Worker.Consumers;

/// <summary>
/// Applies the hold requests of a partition in batches: one transaction per batch, each request to its own outcome,
/// then the events. The message is acknowledged only after the events went out, so a crash in between redelivers
/// it, and the redelivery publishes the stored outcome instead of applying again.
/// </summary>
public sealed class RequestSeatHoldConsumer(HoldBatch holds, OutcomePublisher outcomes, WriteRetry retry) : IConsumer<Batch<RequestSeatHold>>
{
    public async Task Consume(ConsumeContext<Batch<RequestSeatHold>> context)
    {
        var commands = context.Message.Select(m => m.Message).ToList();
        var changed = await retry.RunAsync(() => holds.ApplyAsync(commands, context.CancellationToken), context.CancellationToken);
        await outcomes.PublishAsync(context, changed, context.CancellationToken);
    }
}

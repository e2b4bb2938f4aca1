using MassTransit;

namespace Booking.Worker.Consumers;

/// <summary>Batching and retry of <see cref="RequestSeatHoldConsumer"/>.</summary>
public sealed class RequestSeatHoldConsumerDefinition : ConsumerDefinition<RequestSeatHoldConsumer>
{
    /// <summary>The most hold requests applied in one transaction.</summary>
    public const int BatchSize = 100;

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<RequestSeatHoldConsumer> consumerConfigurator,
        IRegistrationContext context)
    {
        // One batch at a time per partition keeps a showtime's commands in arrival order; a lone request waits at
        // most a few milliseconds for company.
        consumerConfigurator.Options<BatchOptions>(batch => batch
            .SetMessageLimit(BatchSize)
            .SetTimeLimit(TimeSpan.FromMilliseconds(2))
            .SetConcurrencyLimit(1));
        consumerConfigurator.UseMessageRetry(CommandRetry.Configure);
    }
}

using MassTransit;

namespace Booking.Worker.Consumers;

/// <summary>Retry of <see cref="RequestSeatHoldConsumer"/>; its batching is <see cref="Core.Batching.GroupCommit{T}"/>.</summary>
public sealed class RequestSeatHoldConsumerDefinition : ConsumerDefinition<RequestSeatHoldConsumer>
{
    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<RequestSeatHoldConsumer> consumerConfigurator,
        IRegistrationContext context) =>
        consumerConfigurator.UseMessageRetry(CommandRetry.Configure);
}

using MassTransit;

namespace Booking.Worker.Consumers;

/// <summary>Retry of <see cref="CancelBookingConsumer"/>.</summary>
public sealed class CancelBookingConsumerDefinition : ConsumerDefinition<CancelBookingConsumer>
{
    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<CancelBookingConsumer> consumerConfigurator,
        IRegistrationContext context) =>
        consumerConfigurator.UseMessageRetry(CommandRetry.Configure);
}

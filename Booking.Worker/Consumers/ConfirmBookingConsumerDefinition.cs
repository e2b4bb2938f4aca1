using MassTransit;

namespace Booking.Worker.Consumers;

/// <summary>Retry of <see cref="ConfirmBookingConsumer"/>.</summary>
public sealed class ConfirmBookingConsumerDefinition : ConsumerDefinition<ConfirmBookingConsumer>
{
    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<ConfirmBookingConsumer> consumerConfigurator,
        IRegistrationContext context) =>
        consumerConfigurator.UseMessageRetry(CommandRetry.Configure);
}

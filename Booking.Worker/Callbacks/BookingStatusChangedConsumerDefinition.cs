using MassTransit;

namespace Booking.Worker.Callbacks;

/// <summary>
/// Retry of <see cref="BookingStatusChangedConsumer"/> for its own failures (the database unreachable while an
/// attempt is recorded). A receiver's failures are not exceptions: the consumer retries those itself, with back-off.
/// </summary>
public sealed class BookingStatusChangedConsumerDefinition : ConsumerDefinition<BookingStatusChangedConsumer>
{
    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<BookingStatusChangedConsumer> consumerConfigurator,
        IRegistrationContext context) =>
        consumerConfigurator.UseMessageRetry(retry => retry.Exponential(
            5, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(500)));
}

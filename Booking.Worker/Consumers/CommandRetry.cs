using MassTransit;

namespace Booking.Worker.Consumers;

/// <summary>
/// The retry of the partition consumers: short exponential back-off for passing faults (a lost connection, a
/// deadlock). Write conflicts never get here: <see cref="Holds.WriteRetry"/> decides those again on fresh rows.
/// After the last try the message goes to the partition's error queue; a <see cref="PoisonMessageException"/> goes
/// there at once, as trying it again cannot help.
/// </summary>
public static class CommandRetry
{
    public static void Configure(IRetryConfigurator retry)
    {
        retry.Ignore<PoisonMessageException>();
        retry.Exponential(5, TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(2), TimeSpan.FromMilliseconds(100));
    }
}

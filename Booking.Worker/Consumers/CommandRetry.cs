using MassTransit;

namespace Booking.Worker.Consumers;

/// <summary>
/// The retry of the partition consumers, for passing faults: a lost connection, a deadlock, a database or broker that
/// restarts or fails over. Quickly at first (about 3 s in five tries), then every 5 s, for about 10 minutes in all:
/// a message stays unacknowledged meanwhile, so an outage that short loses no accepted request and keeps each
/// partition's order, and a booking still reads as <c>pending</c> (the ingress remembers it for 15 minutes). After
/// the last try the message goes to the partition's error queue for an operator. Write conflicts never get here:
/// <see cref="Holds.WriteRetry"/> decides those again on fresh rows. A <see cref="PoisonMessageException"/> goes to
/// the error queue at once, as trying it again cannot help.
/// </summary>
public static class CommandRetry
{
    private static readonly TimeSpan[] Intervals =
    [
        .. new[] { 50, 150, 350, 750, 1550 }.Select(milliseconds => TimeSpan.FromMilliseconds(milliseconds)),
        .. Enumerable.Repeat(TimeSpan.FromSeconds(5), 120),
    ];

    public static void Configure(IRetryConfigurator retry)
    {
        retry.Ignore<PoisonMessageException>();
        retry.Intervals(Intervals);
    }
}

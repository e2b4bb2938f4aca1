using System.ComponentModel.DataAnnotations;

namespace Booking.Ingress.Shedding;

/// <summary>
/// The <c>Ingress:Shedding</c> section: when the ingress refuses work quickly instead of queueing it without limit.
/// </summary>
public sealed class SheddingOptions
{
    public const string Section = "Ingress:Shedding";

    /// <summary>Hold requests a customer may make per second, on average.</summary>
    [Range(1, 100000)]
    public int PerCustomerPerSecond { get; set; } = 10;

    /// <summary>How many hold requests a customer may make at once before the average applies.</summary>
    [Range(1, 100000)]
    public int PerCustomerBurst { get; set; } = 30;

    /// <summary>
    /// A partition queue deeper than this refuses new holds with 503 until it drains: at the workers' commit rate a
    /// deeper queue would only mean answers that arrive after the buyer has given up. The depth counts messages not yet
    /// delivered to a worker; up to <c>Worker:Partitions:PrefetchCount</c> more are in progress. A message carries the
    /// holds that reached the ingress together (<see cref="Holds.HoldSender"/>): one when the sale is quiet, up to 250
    /// when it is busy. Size it from the rate your workers reach (BENCHMARKS.md): depth / messages per second per
    /// partition is how long the last buyer waits.
    /// </summary>
    [Range(1, 10_000_000)]
    public int MaxQueueDepth { get; set; } = 500;

    /// <summary>
    /// A partition whose latest holds waited longer than this from the ingress to their commit (as its workers report
    /// it) refuses new holds with 503 until it catches up: past it the buyer waits longer for the outcome than
    /// a sale can afford. Unlike <see cref="MaxQueueDepth"/> it counts what a buyer waits, however many holds a
    /// message carries. The reports come through Redis and live for 2 s, so without Redis only the depth applies.
    /// The ingresses' and workers' clocks are compared, so keep them in sync (NTP).
    /// </summary>
    [Range(1, 3_600_000)]
    public int MaxQueueDelayMilliseconds { get; set; } = 5000;

    /// <summary>
    /// Commands (holds past the gate, confirms, cancels) one ingress may have on their way to the broker at once; the
    /// next one is answered 503 with <c>Retry-After</c> at once. A healthy broker takes a send in about a millisecond,
    /// so the bound is reached only when the broker or database falls behind, and then it keeps the answers fast.
    /// Holds that wait together for one partition's send go to the broker as one message (<see cref="Holds.HoldSender"/>),
    /// so the bound counts requests waiting, not broker work; at 128 the many-sales benchmark was refused holds that
    /// the system had room for (BENCHMARKS.md).
    /// </summary>
    [Range(1, 1_000_000)]
    public int MaxSendsInProgress { get; set; } = 512;

    /// <summary>
    /// Holds this ingress lets in per second, on average over a second; 0 (the default) sets no limit. Past it a hold
    /// is answered 503 with <c>Retry-After</c> before any I/O, so an overload is refused at about the cost of a trivial
    /// request while the work let in stays what the fleet commits with answers in milliseconds (BENCHMARKS.md gives
    /// the rates of a 2-core machine). Holds the gate refuses (409) do not count. The rate is per ingress: divide the
    /// fleet's rate by the number of ingresses behind the load balancer.
    /// </summary>
    [Range(0, 1_000_000)]
    public int MaxHoldsPerSecond { get; set; }

    /// <summary>How often the queue depths are read from the broker, and the delays from Redis.</summary>
    [Range(50, 60_000)]
    public int QueueDepthPollMilliseconds { get; set; } = 500;
}

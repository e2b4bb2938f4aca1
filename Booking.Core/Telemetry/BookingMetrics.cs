using System.Diagnostics.Metrics;

namespace Booking.Core.Telemetry;

/// <summary>
/// The business metrics, on the meter <c>Booking</c> (exported at <c>/metrics</c> with the rest):
/// how holds fare at each stage, how long they take, what is shed, and how long the seat gate's round trips to Redis
/// take.
/// </summary>
public sealed class BookingMetrics
{
    public const string MeterName = "Booking";

    private readonly Counter<long> _holdsAccepted;
    private readonly Counter<long> _holdsRejected;
    private readonly Counter<long> _holdsCommitted;
    private readonly Counter<long> _holdsExpired;
    private readonly Counter<long> _requestsShed;
    private readonly Histogram<double> _holdLatency;
    private readonly Histogram<double> _gateDuration;

    public BookingMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _holdsAccepted = meter.CreateCounter<long>("booking.holds.accepted", description: "Hold requests answered 202 by the ingress");
        _holdsRejected = meter.CreateCounter<long>("booking.holds.rejected", description: "Hold requests refused, by stage (gate or worker)");
        _holdsCommitted = meter.CreateCounter<long>("booking.holds.committed", description: "Holds committed by the worker");
        _holdsExpired = meter.CreateCounter<long>("booking.holds.expired", description: "Holds ended by the sweeper or a take-over");
        _requestsShed = meter.CreateCounter<long>("booking.requests.shed", description: "Requests refused to protect the system, by reason");
        _holdLatency = meter.CreateHistogram<double>("booking.hold.latency", unit: "ms", description: "From the ingress accepting a hold to the worker committing its outcome");
        // Round trips on loopback take well under a millisecond, below the default buckets' first bound of 5.
        _gateDuration = meter.CreateHistogram<double>(
            "booking.gate.duration",
            unit: "ms",
            description: "One seat-gate script in Redis, round trip, by operation (hold, release, sold)",
            tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 1000] });
    }

    public void HoldAccepted() => _holdsAccepted.Add(1);

    public void HoldRejectedAtGate() => _holdsRejected.Add(1, new KeyValuePair<string, object?>("stage", "gate"));

    public void HoldRejectedInWorker() => _holdsRejected.Add(1, new KeyValuePair<string, object?>("stage", "worker"));

    public void HoldCommitted(TimeSpan sinceAccepted)
    {
        _holdsCommitted.Add(1);
        _holdLatency.Record(sinceAccepted.TotalMilliseconds);
    }

    public void HoldsExpired(int count) => _holdsExpired.Add(count);

    public void GateCalled(string operation, TimeSpan elapsed) =>
        _gateDuration.Record(elapsed.TotalMilliseconds, new KeyValuePair<string, object?>("operation", operation));

    public void RequestShed(string reason) => _requestsShed.Add(1, new KeyValuePair<string, object?>("reason", reason));
}

using System.Text.Json.Nodes;

namespace Booking.LoadTest.Measure;

/// <summary>
/// The steps of a hold, by the means of the services' own histograms over the load: the ingress's gate, the trip to
/// the worker, the worker's consume (waiting for its commit lane, the batch, its publish), the trip to the realtime
/// service and its sends, and the ingress-to-commit latency.
/// </summary>
public sealed record HoldSteps(Uri Ingress, Uri Worker, Uri Realtime)
{
    /// <summary>The three services' <c>/metrics</c>, read one after another.</summary>
    public sealed record Reading(ServiceMetrics Ingress, ServiceMetrics Worker, ServiceMetrics Realtime);

    private static readonly (string Step, string Key, Func<Reading, ServiceMetrics> Service, string Histogram, double ToMilliseconds, string[] Labels)[] Steps =
    [
        ("ingress: the gate's script", "gate", r => r.Ingress, "booking_gate_duration_milliseconds", 1, ["operation=\"hold\""]),
        ("ingress send -> worker consumes", "toWorker", r => r.Worker, "messaging_masstransit_delivery_duration_milliseconds", 1, ["RequestSeatHold"]),
        ("worker consume (lane wait, batch, publish)", "workerConsume", r => r.Worker, "messaging_masstransit_consume_duration_milliseconds", 1, ["RequestSeatHold"]),
        ("worker: a database operation", "databaseOperation", r => r.Worker, "db_client_operation_duration_seconds", 1000, []),
        ("worker publish -> realtime consumes", "toRealtime", r => r.Realtime, "messaging_masstransit_delivery_duration_milliseconds", 1, ["BookingsChangedConsumer"]),
        ("realtime consume (sends via backplane)", "realtimeConsume", r => r.Realtime, "messaging_masstransit_consume_duration_milliseconds", 1, ["BookingsChangedConsumer"]),
        ("ingress takes a hold -> committed", "holdToCommit", r => r.Worker, "booking_hold_latency_milliseconds", 1, ["otel_scope_name=\"Booking\""]),
    ];

    public async Task<Reading> ReadAsync(HttpClient http, CancellationToken cancellationToken) => new(
        await ServiceMetrics.ReadAsync(http, Ingress, cancellationToken),
        await ServiceMetrics.ReadAsync(http, Worker, cancellationToken),
        await ServiceMetrics.ReadAsync(http, Realtime, cancellationToken));

    /// <summary>Prints each step's count and mean between the two readings; returns them as JSON.</summary>
    public static JsonObject Print(Reading before, Reading after)
    {
        var json = new JsonObject();
        foreach (var (step, key, service, histogram, toMilliseconds, labels) in Steps)
        {
            var (count, mean) = service(before).WasRead && service(after).WasRead
                ? ServiceMetrics.Between(service(before), service(after), histogram, labels)
                : (0, double.NaN);
            var meanMs = mean * toMilliseconds;
            Report.Line($"  {step}", count > 0 ? $"n={count:0}  mean {meanMs:0.0} ms" : "not read");
            json[key] = count > 0 ? new JsonObject { ["count"] = count, ["meanMs"] = Math.Round(meanMs, 2) } : null;
        }

        return json;
    }
}

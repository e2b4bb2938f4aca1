using System.Globalization;
using System.Text.Json.Nodes;

namespace Booking.LoadTest.Measure;

/// <summary>
/// The histogram sums and counts of a service's Prometheus <c>/metrics</c>, read at once. Two readings give the means
/// of what happened between them: where a hold waited, by the services' own clocks, without tracing.
/// </summary>
public sealed class ServiceMetrics
{
    private readonly List<(string Name, string Labels, double Value)> _samples = [];

    /// <summary>Reads <paramref name="service"/>'s <c>/metrics</c>; an empty reading when it cannot be read in time.</summary>
    public static async Task<ServiceMetrics> ReadAsync(HttpClient http, Uri service, CancellationToken cancellationToken)
    {
        var metrics = new ServiceMetrics();
        string text;
        try
        {
            text = await http.GetStringAsync(new Uri(service, "/metrics"), cancellationToken);
        }
        catch (Exception ex) when (ex is HttpRequestException || (ex is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return metrics;
        }

        foreach (var line in text.Split('\n'))
        {
            // name{labels} value, or name value; only histogram sums and counts are kept.
            var space = line.LastIndexOf(' ');
            if (line.StartsWith('#') || space < 0 || !(line.Contains("_sum", StringComparison.Ordinal) || line.Contains("_count", StringComparison.Ordinal)))
            {
                continue;
            }

            var brace = line.IndexOf('{');
            var name = brace < 0 ? line[..space] : line[..brace];
            var labels = brace < 0 ? "" : line[brace..space];
            if (double.TryParse(line[(space + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                metrics._samples.Add((name, labels, value));
            }
        }

        return metrics;
    }

    /// <summary>The sum of <paramref name="name"/> over the series whose labels contain every one of <paramref name="labels"/>.</summary>
    private double Total(string name, string[] labels) =>
        _samples.Where(s => s.Name == name && labels.All(l => s.Labels.Contains(l, StringComparison.Ordinal))).Sum(s => s.Value);

    /// <summary>How many times a histogram was recorded between <paramref name="before"/> and <paramref name="after"/>, and its mean.</summary>
    public static (double Count, double Mean) Between(ServiceMetrics before, ServiceMetrics after, string histogram, params string[] labels)
    {
        var count = after.Total(histogram + "_count", labels) - before.Total(histogram + "_count", labels);
        var sum = after.Total(histogram + "_sum", labels) - before.Total(histogram + "_sum", labels);
        return (count, count > 0 ? sum / count : double.NaN);
    }
}

/// <summary>
/// The steps of a hold, by the means of the services' own histograms over the load: the ingress's gate, the trip to
/// the worker, the worker's consume (waiting for its commit lane, the batch, its publish), the trip to the realtime
/// service and its sends, and the ingress-to-commit latency.
/// </summary>
public sealed record HoldSteps(Uri Ingress, Uri Worker, Uri Realtime)
{
    private static readonly (string Step, string Key, string Service, string Histogram, double ToMilliseconds, string[] Labels)[] Steps =
    [
        ("ingress: the gate's script", "gate", "ingress", "booking_gate_duration_milliseconds", 1, ["operation=\"hold\""]),
        ("ingress send -> worker consumes", "toWorker", "worker", "messaging_masstransit_delivery_duration_milliseconds", 1, ["RequestSeatHold"]),
        ("worker consume (lane wait, batch, publish)", "workerConsume", "worker", "messaging_masstransit_consume_duration_milliseconds", 1, ["RequestSeatHold"]),
        ("worker: a database operation", "databaseOperation", "worker", "db_client_operation_duration_seconds", 1000, []),
        ("worker publish -> realtime consumes", "toRealtime", "realtime", "messaging_masstransit_delivery_duration_milliseconds", 1, ["BookingsChangedConsumer"]),
        ("realtime consume (sends via backplane)", "realtimeConsume", "realtime", "messaging_masstransit_consume_duration_milliseconds", 1, ["BookingsChangedConsumer"]),
        ("ingress takes a hold -> committed", "holdToCommit", "worker", "booking_hold_latency_milliseconds", 1, ["otel_scope_name=\"Booking\""]),
    ];

    public async Task<Dictionary<string, ServiceMetrics>> ReadAsync(HttpClient http, CancellationToken cancellationToken) => new()
    {
        ["ingress"] = await ServiceMetrics.ReadAsync(http, Ingress, cancellationToken),
        ["worker"] = await ServiceMetrics.ReadAsync(http, Worker, cancellationToken),
        ["realtime"] = await ServiceMetrics.ReadAsync(http, Realtime, cancellationToken),
    };

    /// <summary>Prints each step's count and mean between the two readings; returns them as JSON.</summary>
    public static JsonObject Print(Dictionary<string, ServiceMetrics> before, Dictionary<string, ServiceMetrics> after)
    {
        var json = new JsonObject();
        foreach (var (step, key, service, histogram, toMilliseconds, labels) in Steps)
        {
            var (count, mean) = ServiceMetrics.Between(before[service], after[service], histogram, labels);
            var meanMs = mean * toMilliseconds;
            Report.Line($"  {step}", count > 0 ? $"n={count:0}  mean {meanMs:0.0} ms" : "not read");
            json[key] = count > 0 ? new JsonObject { ["count"] = count, ["meanMs"] = Math.Round(meanMs, 2) } : null;
        }

        return json;
    }
}

using System.Globalization;

namespace Booking.LoadTest.Measure;

/// <summary>
/// The histogram sums and counts of a service's Prometheus <c>/metrics</c>, read at once. Two readings give the means
/// of what happened between them: where a hold waited, by the services' own clocks, without tracing.
/// </summary>
public sealed class ServiceMetrics
{
    private readonly List<(string Name, string Labels, double Value)> _samples = [];

    /// <summary>False when the service could not be read.</summary>
    public bool WasRead => _samples.Count > 0;

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

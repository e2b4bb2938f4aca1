using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Booking.LoadTest.Measure;

/// <summary>
/// Collects durations (in <see cref="Stopwatch"/> ticks) into a buffer sized before the run, so recording allocates
/// nothing and takes no lock; values past the capacity are counted but not kept.
/// </summary>
public sealed class Latencies(int capacity)
{
    private readonly long[] _ticks = new long[Math.Max(capacity, 1)];
    private readonly long[] _starts = new long[Math.Max(capacity, 1)];
    private int _count;

    public int Count => Math.Min(Volatile.Read(ref _count), _ticks.Length);

    /// <summary>The recorded durations, in ticks, in no particular order.</summary>
    public IEnumerable<long> Values => _ticks.Take(Count);

    public void Add(long ticks) => Add(ticks, startTicks: 0);

    /// <summary>Adds a duration between two <see cref="Stopwatch.GetTimestamp"/> readings.</summary>
    public void AddSpan(long startTicks, long endTicks) => Add(endTicks - startTicks, startTicks);

    /// <summary>Adds a duration in milliseconds (from database timestamps).</summary>
    public void AddMilliseconds(double milliseconds) => Add((long)(milliseconds * Stopwatch.Frequency / 1000.0));

    /// <summary>
    /// The spans added with <see cref="AddSpan"/>, grouped by the whole second of their start since
    /// <paramref name="t0"/>: how the latency moved during a run (the first seconds of an overload, say).
    /// </summary>
    public IReadOnlyList<LatencySummary> BySecond(long t0, int seconds)
    {
        var buckets = Enumerable.Range(0, seconds).Select(_ => new List<long>()).ToList();
        foreach (var (start, ticks) in Spans())
        {
            var second = (int)((start - t0) / Stopwatch.Frequency);
            if (second >= 0 && second < seconds)
            {
                buckets[second].Add(ticks);
            }
        }

        return [.. buckets.Select(bucket => Summarize([.. bucket]))];
    }

    /// <summary>The spans added with <see cref="AddSpan"/> that started at <paramref name="startTicks"/> or later.</summary>
    public LatencySummary SummarizeFrom(long startTicks) =>
        Summarize([.. Spans().Where(span => span.Start >= startTicks).Select(span => span.Ticks)]);

    public LatencySummary Summarize() => Summarize(_ticks.AsSpan(0, Count).ToArray());

    private IEnumerable<(long Start, long Ticks)> Spans() =>
        Enumerable.Range(0, Count).Where(i => _starts[i] != 0).Select(i => (_starts[i], _ticks[i]));

    private void Add(long ticks, long startTicks)
    {
        var index = Interlocked.Increment(ref _count) - 1;
        if (index < _ticks.Length)
        {
            _ticks[index] = ticks;
            _starts[index] = startTicks;
        }
    }

    private static LatencySummary Summarize(long[] sorted)
    {
        var count = sorted.Length;
        if (count == 0)
        {
            return LatencySummary.Empty;
        }

        Array.Sort(sorted);
        double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;
        double At(double p) => Ms(sorted[Math.Clamp((int)Math.Ceiling(p * count) - 1, 0, count - 1)]);
        var sum = 0.0;
        foreach (var t in sorted)
        {
            sum += t;
        }

        return new LatencySummary(count, At(0.50), At(0.90), At(0.99), Ms(sorted[^1]), Ms((long)(sum / count)));
    }
}

/// <summary>Percentiles (nearest rank) in milliseconds.</summary>
public sealed record LatencySummary(int Count, double P50, double P90, double P99, double Max, double Mean)
{
    public static readonly LatencySummary Empty = new(0, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);

    public JsonObject ToJson() => new()
    {
        ["count"] = Count,
        ["p50Ms"] = Round(P50),
        ["p90Ms"] = Round(P90),
        ["p99Ms"] = Round(P99),
        ["maxMs"] = Round(Max),
        ["meanMs"] = Round(Mean),
    };

    /// <summary>"0s 12.3  1s 4.5 ...": the p99 of each second, for a table line.</summary>
    public static string P99s(IReadOnlyList<LatencySummary> seconds) =>
        string.Join("  ", seconds.Select((s, i) => s.Count == 0 ? $"{i}s -" : $"{i}s {s.P99:0.0}"));

    /// <summary>The p99 of each second in milliseconds, null for a second without any.</summary>
    public static JsonArray P99sJson(IReadOnlyList<LatencySummary> seconds) =>
        [.. seconds.Select(s => (JsonNode?)(s.Count == 0 ? null : Math.Round(s.P99, 2)))];

    public override string ToString() => Count == 0
        ? "n=0"
        : $"n={Count}  p50 {P50:0.0}  p90 {P90:0.0}  p99 {P99:0.0}  max {Max:0.0} ms";

    private static double? Round(double value) => double.IsNaN(value) ? null : Math.Round(value, 2);
}

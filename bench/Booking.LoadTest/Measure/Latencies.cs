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
    private int _count;

    public int Count => Math.Min(Volatile.Read(ref _count), _ticks.Length);

    /// <summary>The recorded durations, in ticks, in no particular order.</summary>
    public IEnumerable<long> Values => _ticks.Take(Count);

    public void Add(long ticks)
    {
        var index = Interlocked.Increment(ref _count) - 1;
        if (index < _ticks.Length)
        {
            _ticks[index] = ticks;
        }
    }

    /// <summary>Adds a duration between two <see cref="Stopwatch.GetTimestamp"/> readings.</summary>
    public void AddSpan(long startTicks, long endTicks) => Add(endTicks - startTicks);

    /// <summary>Adds a duration in milliseconds (from database timestamps).</summary>
    public void AddMilliseconds(double milliseconds) => Add((long)(milliseconds * Stopwatch.Frequency / 1000.0));

    public LatencySummary Summarize()
    {
        var count = Count;
        if (count == 0)
        {
            return LatencySummary.Empty;
        }

        var sorted = _ticks.AsSpan(0, count).ToArray();
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

    public override string ToString() => Count == 0
        ? "n=0"
        : $"n={Count}  p50 {P50:0.0}  p90 {P90:0.0}  p99 {P99:0.0}  max {Max:0.0} ms";

    private static double? Round(double value) => double.IsNaN(value) ? null : Math.Round(value, 2);
}

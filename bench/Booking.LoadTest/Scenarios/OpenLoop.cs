using System.Diagnostics;
using System.Text.Json.Nodes;
using Booking.LoadTest.Measure;

namespace Booking.LoadTest.Scenarios;

/// <summary>
/// One kind of request in an open loop: request <c>k</c> is due at <c>t0 + k / rate</c> whatever happened to the
/// ones before, and its latency is counted from that due time, so a slow server (or a late client) shows in the
/// figures instead of silently lowering the load.
/// </summary>
/// <param name="kind">The name in the tables.</param>
/// <param name="rate">Requests per second.</param>
/// <param name="capacity">The most requests the stream can send (sizes the latency buffers).</param>
/// <param name="send">Sends request k; null when there was nothing to send (e.g. no held booking to confirm).</param>
public sealed class OpenStream(string kind, double rate, int capacity, Func<long, long, Task<Reply>?> send)
{
    public string Kind { get; } = kind;

    public double Rate { get; } = rate;

    /// <summary>Due time to answer, every request.</summary>
    public Latencies All { get; } = new(capacity);

    /// <summary>Due time to answer, answers 2xx.</summary>
    public Latencies Succeeded { get; } = new(capacity);

    /// <summary>Due time to answer, other answers and failures (the rejections of an overload).</summary>
    public Latencies Rejected { get; } = new(capacity);

    /// <summary>Due time to the moment the client started the request.</summary>
    public Latencies Lag { get; } = new(capacity);

    public Outcomes Outcomes { get; } = new();

    public long Issued;

    /// <summary>When the loop started (<see cref="Stopwatch"/> ticks): request 0's due time.</summary>
    public long StartedAt;

    /// <summary>The due time from which a request is in the second half of the run.</summary>
    public long SecondHalfFrom;

    public int Dropped;

    public int Skipped;

    internal Func<long, long, Task<Reply>?> Send { get; } = send;

    /// <summary>One of this stream's latencies grouped by the second the requests were due in.</summary>
    public IReadOnlyList<LatencySummary> BySecond(Latencies latencies, double seconds) =>
        latencies.BySecond(StartedAt, (int)Math.Ceiling(seconds));

    /// <summary>
    /// One of this stream's latencies for the requests due in the second half of the run: an overload's steady state,
    /// without the start of the run, when the services load what they have not cached yet.
    /// </summary>
    public LatencySummary InSecondHalf(Latencies latencies) => latencies.SummarizeFrom(SecondHalfFrom);

    public JsonObject ToJson(double seconds) => new()
    {
        ["kind"] = Kind,
        ["ratePerSecond"] = Rate,
        ["scheduled"] = Issued,
        ["sent"] = Outcomes.Total,
        ["achievedPerSecond"] = seconds > 0 ? Math.Round(Outcomes.Total / seconds, 1) : null,
        ["skippedNothingToDo"] = Skipped,
        ["droppedByClient"] = Dropped,
        ["answers"] = Outcomes.ToJson(),
        ["latencyFromDueTime"] = All.Summarize().ToJson(),
        ["latencySucceeded"] = Succeeded.Summarize().ToJson(),
        ["latencyRejected"] = Rejected.Summarize().ToJson(),
        ["latencyRejectedSecondHalf"] = InSecondHalf(Rejected).ToJson(),
        ["latencyRejectedP99BySecond"] = LatencySummary.P99sJson(BySecond(Rejected, seconds)),
        ["clientLag"] = Lag.Summarize().ToJson(),
    };
}

/// <summary>Runs open-loop streams for a fixed time, bounded by a cap on requests in flight.</summary>
public static class OpenLoop
{
    /// <summary>Runs the streams for <paramref name="duration"/>, then waits for the requests in flight; returns the seconds run.</summary>
    public static async Task<double> RunAsync(
        IReadOnlyList<OpenStream> streams, TimeSpan duration, int maxInFlight, CancellationToken deadline)
    {
        var inFlight = 0;
        var frequency = (double)Stopwatch.Frequency;
        // The run's plans, bodies and latency buffers were just built, the buffers in the large-object heap. Collected
        // now, before the clock, their garbage does not start a blocking full collection of this process during the
        // first second of load, which made requests due then tens of milliseconds late.
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        var t0 = Stopwatch.GetTimestamp();
        var end = t0 + (long)(duration.TotalSeconds * frequency);
        foreach (var stream in streams)
        {
            stream.StartedAt = t0;
            stream.SecondHalfFrom = t0 + ((end - t0) / 2);
        }

        async Task RunOneAsync(OpenStream stream, long k, long due)
        {
            try
            {
                var started = Stopwatch.GetTimestamp();
                if (stream.Send(k, due) is not { } sending)
                {
                    Interlocked.Increment(ref stream.Skipped);
                    return;
                }

                stream.Lag.AddSpan(due, started);
                var reply = await sending.ConfigureAwait(false);
                stream.Outcomes.Record(reply);
                stream.All.AddSpan(due, reply.EndTicks);
                (reply.Status is (>= 200 and < 300) or 304 ? stream.Succeeded : stream.Rejected).AddSpan(due, reply.EndTicks);
            }
            finally
            {
                Interlocked.Decrement(ref inFlight);
            }
        }

        while (!deadline.IsCancellationRequested)
        {
            var now = Stopwatch.GetTimestamp();
            if (now >= end)
            {
                break;
            }

            foreach (var stream in streams)
            {
                var due = (long)((now - t0) / frequency * stream.Rate) + 1;
                while (stream.Issued < due)
                {
                    var k = stream.Issued++;
                    var dueTicks = t0 + (long)(k / stream.Rate * frequency);
                    if (Volatile.Read(ref inFlight) >= maxInFlight)
                    {
                        Interlocked.Increment(ref stream.Dropped);
                        continue;
                    }

                    Interlocked.Increment(ref inFlight);
                    _ = RunOneAsync(stream, k, dueTicks);
                }
            }

            await Task.Delay(1, CancellationToken.None);
        }

        var seconds = Stopwatch.GetElapsedTime(t0).TotalSeconds;
        while (Volatile.Read(ref inFlight) > 0 && !deadline.IsCancellationRequested)
        {
            await Task.Delay(10, CancellationToken.None);
        }

        return Math.Min(seconds, duration.TotalSeconds);
    }

    public static void Print(OpenStream stream, double seconds)
    {
        Report.Line($"{stream.Kind}: sent / scheduled / per s", $"{stream.Outcomes.Total} / {stream.Issued} / {stream.Outcomes.Total / Math.Max(seconds, 1e-9):0} (target {stream.Rate:0}/s; dropped {stream.Dropped}, nothing to do {stream.Skipped})");
        Report.Line($"{stream.Kind}: answers", stream.Outcomes.Describe());
        Report.Line($"{stream.Kind}: latency from due time", stream.All.Summarize().ToString());
        if (stream.Rejected.Count > 0)
        {
            Report.Line($"{stream.Kind}: latency of rejections (not 2xx or 304)", stream.Rejected.Summarize().ToString());
            Report.Line("  the same, due in the second half", stream.InSecondHalf(stream.Rejected).ToString());
            Report.Line("  p99 by the second they were due in", LatencySummary.P99s(stream.BySecond(stream.Rejected, seconds)));
        }

        Report.Line($"{stream.Kind}: client lag (due -> sent)", stream.Lag.Summarize().ToString());
        Report.Line("  p99 by the second they were due in", LatencySummary.P99s(stream.BySecond(stream.Lag, seconds)));
    }
}

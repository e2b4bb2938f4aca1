using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Booking.LoadTest.Data;
using Booking.LoadTest.Measure;
using Booking.LoadTest.Observe;

namespace Booking.LoadTest.Scenarios;

/// <summary>What every scenario shares: options, the HTTP client, the database, the sampler and the admin token.</summary>
public sealed class RunContext(LoadOptions options, BookingApi api, BookingDatabase database, ProcessSampler sampler)
{
    public LoadOptions Options { get; } = options;

    public BookingApi Api { get; } = api;

    public BookingDatabase Database { get; } = database;

    public ProcessSampler Sampler { get; } = sampler;

    /// <summary>Distinguishes this run's customers from earlier runs' against the same database.</summary>
    public string RunId { get; } = DateTime.UtcNow.ToString("MMddHHmmss", CultureInfo.InvariantCulture);

    public AuthenticationHeaderValue Admin { get; private set; } = null!;

    public string AdminToken { get; private set; } = "";

    public SeatLayout Layout { get; } = new(options.Seats, options.RowSize);

    /// <summary>Closed loops (baseline, gate path, many-sales) keep this many requests in flight.</summary>
    public int Concurrency => Math.Min(Options.Concurrency, Options.Connections);

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        AdminToken = (await Api.MintTokensAsync([$"loadtest-admin-{RunId}"], ["admin"], cancellationToken))[0];
        Admin = BookingApi.Bearer(AdminToken);
    }

    /// <summary>
    /// Walks every path the scenarios use once (holds accepted and refused, confirm, cancel, seat map, booking read)
    /// and waits for the worker to apply them, so that no figure includes the services' first-call costs (JIT,
    /// EF Core query compilation, broker channels). The outcomes are also watched on the hub, as the scenarios watch
    /// them, so that the load generator's own first-call costs (the hub client's receive path, the messages' JSON
    /// metadata) are paid here too: left to a scenario's first second, a trace of the load generator counted 0.76 s
    /// of JIT in that second of a mixed run, and its requests were due tens of milliseconds late.
    /// </summary>
    public async Task WarmUpAsync(CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var layout = new SeatLayout(40, 10);
        var showtime = (await Api.CreateShowtimesAsync(2, layout, Options.HoldSeconds, Admin, $"warm-up {RunId}", cancellationToken))[0];
        var (tokens, auths) = await CustomersAsync("warm", 4, cancellationToken);
        await using var hub = Options.Realtime is { } realtime ? new HubObserver(realtime) : null;
        if (hub is not null)
        {
            await hub.ConnectOwnersAsync(tokens, cancellationToken);
            await hub.WatchShowtimesAsync(AdminToken, [showtime], cancellationToken);
        }

        var holds = Api.HoldsUri(showtime);
        var accepted = new List<(Guid Id, int Owner)>();
        var allocator = new SeatAllocator(layout);
        for (var i = 0; i < 3; i++)
        {
            // The same seats twice: one accepted, one refused at the gate.
            var body = BookingApi.HoldBody(allocator.Take(1 + (i % 4))!);
            for (var owner = 0; owner < 2; owner++)
            {
                var reply = await Api.SendAsync(HttpMethod.Post, holds, auths[owner], body, false, cancellationToken);
                if (reply.Status == 202)
                {
                    accepted.Add((reply.BookingId, owner));
                }
            }
        }

        var parallel = await Task.WhenAll(Enumerable.Range(0, 16).Select(i =>
            Api.SendAsync(HttpMethod.Post, holds, auths[i % auths.Length], BookingApi.HoldBody(allocator.Take(2)!), false, cancellationToken)));
        accepted.AddRange(parallel.Where(r => r.Status == 202).Select((r, i) => (r.BookingId, i % auths.Length)));
        if (accepted.Count == 0)
        {
            throw new InvalidOperationException($"Warm-up: no hold was accepted ({string.Join(", ", parallel.Select(r => r.Status))}).");
        }

        await Database.WaitForStoredAsync([.. accepted.Select(a => a.Id)], Options.Settle, cancellationToken);
        for (var i = 0; i < Math.Min(accepted.Count, 4); i++)
        {
            var (id, owner) = accepted[i];
            var path = i % 2 == 0 ? $"/api/bookings/{id}/confirm" : $"/api/bookings/{id}";
            await Api.SendAsync(i % 2 == 0 ? HttpMethod.Post : HttpMethod.Delete, new Uri(Api.Base, path), auths[owner], null, false, cancellationToken);
            await Api.SendAsync(HttpMethod.Get, new Uri(Api.Base, $"/api/bookings/{id}"), auths[owner], null, true, cancellationToken);
        }

        await Database.WaitForStatusAsync([.. accepted.Take(4).Select(a => a.Id)], "Held", Options.Settle, cancellationToken);
        if (hub is not null &&
            !await hub.WaitUntilAsync(h => h.Bookings.Count >= accepted.Count && !h.HeldSeats.IsEmpty, Options.Settle, cancellationToken))
        {
            Console.WriteLine($"  warm-up: the hub showed {hub.Bookings.Count} of {accepted.Count} holds to their owners, {hub.HeldSeats.Count} to the watcher");
        }

        await Api.SendAsync(HttpMethod.Get, new Uri(Api.Base, $"/api/showtimes/{showtime}/seats"), null, null, true, cancellationToken);
        Console.WriteLine($"  warmed up every path in {Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s");
    }

    /// <summary>Mints one token per customer: before the clock starts.</summary>
    public async Task<(string[] Tokens, AuthenticationHeaderValue[] Headers)> CustomersAsync(string prefix, int count, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var subjects = Enumerable.Range(0, count).Select(i => $"lt-{RunId}-{prefix}-{i}").ToArray();
        var tokens = await Api.MintTokensAsync(subjects, null, cancellationToken);
        Console.WriteLine($"  minted {count} customer tokens in {Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s");
        return (tokens, [.. tokens.Select(BookingApi.Bearer)]);
    }

    public async Task<Guid[]> ShowtimesAsync(int count, string label, CancellationToken cancellationToken, SeatLayout? layout = null)
    {
        var started = Stopwatch.GetTimestamp();
        var ids = await Api.CreateShowtimesAsync(count, layout ?? Layout, Options.HoldSeconds, Admin, $"{label} {RunId}", cancellationToken);
        Console.WriteLine($"  created {count} showtime(s) of {(layout ?? Layout).TotalSeats} seats in {Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s");
        return ids;
    }

    /// <summary>
    /// Runs <paramref name="total"/> requests with <paramref name="concurrency"/> in flight, each started as soon as
    /// one ends (a closed loop); stops early at the token. Records every answer and its latency.
    /// </summary>
    public static async Task<LoopResult> ClosedLoopAsync(
        int total, int concurrency, Func<int, Task<Reply>> send, CancellationToken cancellationToken)
    {
        var latencies = new Latencies(total);
        var outcomes = new Outcomes();
        var next = -1;
        var started = Stopwatch.GetTimestamp();
        long lastEnd = started;
        var workers = Enumerable.Range(0, Math.Min(concurrency, total)).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < total && !cancellationToken.IsCancellationRequested)
            {
                var start = Stopwatch.GetTimestamp();
                var reply = await send(i).ConfigureAwait(false);
                outcomes.Record(reply);
                latencies.AddSpan(start, reply.EndTicks);
                InterlockedMax(ref lastEnd, reply.EndTicks);
            }
        }, CancellationToken.None)).ToArray();
        await Task.WhenAll(workers);
        var seconds = (lastEnd - started) / (double)Stopwatch.Frequency;
        return new LoopResult(outcomes.Total, seconds, outcomes, latencies.Summarize());
    }

    /// <summary>The ceiling: the same closed-loop load against <c>GET /health/live</c> of the same host.</summary>
    public async Task<LoopResult> BaselineAsync(int requests, int concurrency, CancellationToken cancellationToken)
    {
        var uri = new Uri(Api.Base, "/health/live");
        // A short warm-up opens the connections and lets the JIT settle on both sides.
        await ClosedLoopAsync(Math.Min(requests, 2000), concurrency,
            _ => Api.SendAsync(HttpMethod.Get, uri, null, null, false, cancellationToken), cancellationToken);
        var phase = Sampler.Start("baseline");
        var result = await ClosedLoopAsync(requests, concurrency,
            _ => Api.SendAsync(HttpMethod.Get, uri, null, null, false, cancellationToken), cancellationToken);
        var sampled = await phase.StopAsync();
        Report.Section($"Baseline: GET /health/live, {requests} requests, {concurrency} in flight");
        Report.Line("requests/s", $"{result.PerSecond:0}");
        Report.Line("latency", result.Latency.ToString());
        Report.Line("answers", result.Outcomes.Describe());
        ProcessSampler.Print(sampled);
        result.Sampled = sampled;
        return result;
    }

    public static void InterlockedMax(ref long target, long value)
    {
        var current = Volatile.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }
}

/// <summary>The figures of a closed loop.</summary>
public sealed record LoopResult(int Requests, double Seconds, Outcomes Outcomes, LatencySummary Latency)
{
    public double PerSecond => Seconds > 0 ? Requests / Seconds : 0;

    public JsonObject? Sampled { get; set; }

    public JsonObject ToJson() => new()
    {
        ["requests"] = Requests,
        ["seconds"] = Math.Round(Seconds, 3),
        ["requestsPerSecond"] = Math.Round(PerSecond, 1),
        ["latency"] = Latency.ToJson(),
        ["answers"] = Outcomes.ToJson(),
        ["resources"] = Sampled?.DeepClone(),
    };
}

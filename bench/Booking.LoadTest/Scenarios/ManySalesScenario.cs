using System.Diagnostics;
using System.Text.Json.Nodes;
using Booking.LoadTest.Measure;
using Booking.LoadTest.Observe;

namespace Booking.LoadTest.Scenarios;

/// <summary>
/// Many sales at once: buyers spread round-robin over many showtimes (so over every partition), each asking for a
/// block of 1-4 adjacent seats nobody else asked for. Nearly every request passes the gate, so what is measured is
/// the worker's commit rate, read from the worker's own timestamps in the database.
/// </summary>
public static class ManySalesScenario
{
    private readonly record struct Plan(int Showtime, byte[] Body, string FirstSeat);

    private readonly record struct Accepted(Guid BookingId, int Showtime, long AnsweredTicks, string FirstSeat);

    public static async Task<(JsonObject Json, bool Ok)> RunAsync(RunContext run, CancellationToken deadline)
    {
        var options = run.Options;
        var showtimeCount = options.ManySalesShowtimes;
        var buyers = options.ManySalesBuyers;
        Report.Section($"Many sales: {buyers} buyers over {showtimeCount} showtimes of {options.Seats} seats, {run.Concurrency} requests in flight");

        var (_, auths) = await run.CustomersAsync("many", buyers, deadline);
        var showtimes = await run.ShowtimesAsync(showtimeCount, "many-sales", deadline);
        var holdsUris = showtimes.Select(run.Api.HoldsUri).ToArray();

        // Round-robin over the showtimes, conflict-free blocks; a full showtime passes its buyers on.
        var random = new Random(options.Seed + 2);
        var allocators = showtimes.Select(_ => new SeatAllocator(run.Layout)).ToArray();
        var plans = new List<Plan>(buyers);
        for (var b = 0; b < buyers; b++)
        {
            var size = random.Next(1, 5);
            for (var tried = 0; tried < showtimeCount; tried++)
            {
                var s = (b + tried) % showtimeCount;
                if (allocators[s].Take(size) is { } block)
                {
                    plans.Add(new Plan(s, BookingApi.HoldBody(block), block[0]));
                    break;
                }
            }
        }

        if (plans.Count < buyers)
        {
            Console.WriteLine($"  only {plans.Count} buyers fit in the seats; the rest are not sent");
        }

        await using var hub = options.Realtime is { } realtime ? new HubObserver(realtime) : null;
        if (hub is not null)
        {
            await hub.WatchShowtimesAsync(run.AdminToken, showtimes, deadline);
        }

        var baseline = await run.BaselineAsync(options.BaselineRequests, run.Concurrency, deadline);

        var accepted = new Accepted[plans.Count];
        var acceptedCount = 0;
        var phase = run.Sampler.Start("many-sales");
        var t0 = Stopwatch.GetTimestamp();
        var t0Utc = DateTime.UtcNow;
        var shed = 0;
        var result = await RunContext.ClosedLoopAsync(plans.Count, run.Concurrency, async i =>
        {
            var plan = plans[i];
            // A shed request (503) is tried again after its Retry-After, as a buyer's client would; the latencies below
            // run from the answer of the attempt that was accepted.
            var (reply, retries) = await run.Api.SendRetryingShedAsync(HttpMethod.Post, holdsUris[plan.Showtime], auths[i], plan.Body, deadline)
                .ConfigureAwait(false);
            Interlocked.Add(ref shed, retries);
            if (reply.Status == 202)
            {
                accepted[Interlocked.Increment(ref acceptedCount) - 1] = new Accepted(reply.BookingId, plan.Showtime, reply.EndTicks, plan.FirstSeat);
            }

            return reply;
        }, deadline);
        var acceptedList = accepted.AsSpan(0, acceptedCount).ToArray();
        var acceptedIds = acceptedList.Select(a => a.BookingId).ToList();
        await run.Database.WaitForStoredAsync(acceptedIds, options.Settle, deadline);
        var storedSeconds = Stopwatch.GetElapsedTime(t0).TotalSeconds;
        var sampled = await phase.StopAsync();

        var commits = await run.Database.CommitRateAsync(showtimes, deadline);
        var rows = await run.Database.ReadBookingsAsync(acceptedIds, deadline);
        if (hub is not null)
        {
            var heldCount = rows.Values.Count(r => r.Status == "Held");
            await hub.WaitUntilAsync(h => h.HeldSeats.Count >= heldCount, TimeSpan.FromSeconds(10), deadline);
        }

        double MsSinceT0(long ticks) => (ticks - t0) * 1000.0 / Stopwatch.Frequency;
        var heldSeen = new Latencies(acceptedList.Length);
        var decided = new Latencies(acceptedList.Length);
        int held = 0, rejectedInWorker = 0;
        foreach (var a in acceptedList)
        {
            if (!rows.TryGetValue(a.BookingId, out var row))
            {
                continue;
            }

            var answeredMs = MsSinceT0(a.AnsweredTicks);
            decided.AddMilliseconds((row.CreatedAt - t0Utc).TotalMilliseconds - answeredMs);
            if (row.Status != "Held")
            {
                rejectedInWorker++;
                continue;
            }

            held++;
            if (hub is not null && hub.HeldSeats.TryGetValue((showtimes[a.Showtime], a.FirstSeat), out var seen))
            {
                heldSeen.AddMilliseconds(MsSinceT0(seen) - answeredMs);
            }
        }

        var commitRate = commits["holdsPerSecond"]?.GetValue<double>() ?? 0;
        var acceptRate = result.Seconds > 0 ? acceptedList.Length / result.Seconds : 0;
        var errors = result.Outcomes.Unexpected(202, 409);
        Report.Section("Many-sales figures");
        Report.Line("hold requests / accepted (202) / 409", $"{result.Requests} / {acceptedList.Length} / {result.Outcomes.Of(409)}");
        Report.Line("requests/s at the ingress", $"{result.PerSecond:0}  ({Report.Ratio(result.PerSecond, baseline.PerSecond)} of baseline {baseline.PerSecond:0}/s)");
        Report.Line("held / rejected in the worker", $"{held} / {rejectedInWorker}");
        Report.Line("holds committed/s (db, first -> last commit)", $"{commitRate:0}  ({Report.Ratio(commitRate, baseline.PerSecond)} of baseline; target > 5000)");
        Report.Line("  busiest / median whole second", $"{commits["busiestSecond"]} / {commits["medianSecond"]}");
        Report.Line("  accepted/s at the ingress", $"{acceptRate:0}");
        Report.Line("all answered / all stored", $"{result.Seconds:0.000} s / {storedSeconds:0.000} s (queue drained {Math.Max(0, storedSeconds - result.Seconds):0.000} s after the last answer)");
        Report.Line("shed (503, tried again after 1 s)", $"{shed}");
        Report.Line("errors by kind", errors.Count == 0 ? "none" : string.Join(", ", errors.Select(e => $"{e.Key}: {e.Value}")));
        Report.Line("latency: HTTP answer (incl. tries after 503)", result.Latency.ToString());
        Report.Line("latency: 202 answer -> decided by worker (db)", decided.Summarize().ToString());
        Report.Line("latency: 202 answer -> held seen on hub", heldSeen.Summarize().ToString());
        if (hub is not null)
        {
            Report.Line("hub", $"{hub.Messages} messages, {hub.Disconnects} disconnects");
        }

        ProcessSampler.Print(sampled);

        var (violations, stored) = await run.Database.CheckInvariantsAsync(showtimes, acceptedIds, deadline);
        HerdScenario.PrintInvariants(violations, acceptedIds.Count, stored);

        var json = new JsonObject
        {
            ["scenario"] = "many-sales",
            ["buyers"] = plans.Count,
            ["showtimes"] = showtimeCount,
            ["seats"] = options.Seats,
            ["concurrency"] = run.Concurrency,
            ["outcomesObservedVia"] = "database created_at (commit rate, decision latency); hub SeatsChanged (held seen)",
            ["baseline"] = baseline.ToJson(),
            ["load"] = result.ToJson(),
            ["ingressRatioToBaseline"] = Report.RatioValue(result.PerSecond, baseline.PerSecond),
            ["accepted"] = acceptedList.Length,
            ["held"] = held,
            ["rejectedInWorker"] = rejectedInWorker,
            ["commits"] = commits,
            ["commitRatioToBaseline"] = Report.RatioValue(commitRate, baseline.PerSecond),
            ["storedSeconds"] = Math.Round(storedSeconds, 3),
            ["shedAndRetried"] = shed,
            ["errors"] = new JsonObject(errors.Select(e => KeyValuePair.Create(e.Key, (JsonNode?)e.Value))),
            ["latency"] = new JsonObject
            {
                ["acceptedAnswerToDecidedDb"] = decided.Summarize().ToJson(),
                ["acceptedAnswerToHeldSeen"] = heldSeen.Summarize().ToJson(),
            },
            ["resources"] = sampled,
            ["invariantViolations"] = new JsonArray([.. violations.Select(v => (JsonNode?)v)]),
        };
        return (json, violations.Count == 0 && held > 0);
    }
}

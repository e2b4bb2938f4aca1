using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Booking.LoadTest.Data;
using Booking.LoadTest.Measure;
using Booking.LoadTest.Observe;

namespace Booking.LoadTest.Scenarios;

/// <summary>
/// The sale opening: N buyers released at the same instant on one showtime, each asking for a random block of 1-4
/// adjacent seats and trying again with a fresh block after a 409, up to <c>--attempts</c> times. Outcomes are seen
/// on the hub (one connection watching the showtime's <c>SeatsChanged</c>) and checked in the database. Then the gate
/// path: requests for seats already taken, as fast as the ingress answers them.
/// </summary>
public static class HerdScenario
{
    /// <summary>A request the ingress accepted.</summary>
    private readonly record struct Accepted(Guid BookingId, int Buyer, long SubmitTicks, long AnsweredTicks, string FirstSeat);

    public static async Task<(JsonObject Json, bool Ok)> RunAsync(RunContext run, CancellationToken deadline)
    {
        var options = run.Options;
        var buyers = options.HerdBuyers;
        Report.Section($"Herd: {buyers} buyers released at once on one showtime of {options.Seats} seats, up to {options.Attempts} attempt(s) each");

        var (_, auths) = await run.CustomersAsync("herd", buyers, deadline);
        var showtime = (await run.ShowtimesAsync(1, "herd", deadline))[0];
        var holdsUri = run.Api.HoldsUri(showtime);
        var random = new Random(options.Seed);
        var plans = new byte[buyers][][];
        var firstSeats = new string[buyers][];
        for (var b = 0; b < buyers; b++)
        {
            plans[b] = new byte[options.Attempts][];
            firstSeats[b] = new string[options.Attempts];
            for (var a = 0; a < options.Attempts; a++)
            {
                var block = run.Layout.RandomBlock(random);
                plans[b][a] = BookingApi.HoldBody(block);
                firstSeats[b][a] = block[0];
            }
        }

        await using var hub = options.Realtime is { } realtime ? new HubObserver(realtime) : null;
        if (hub is not null)
        {
            await hub.WatchShowtimesAsync(run.AdminToken, [showtime], deadline);
        }

        var baseline = await run.BaselineAsync(options.BaselineRequests, run.Concurrency, deadline);

        // The herd. Every buyer is a task waiting for the same signal; the connection pool queues what it cannot send.
        var maxRequests = buyers * options.Attempts;
        var requestLatency = new Latencies(maxRequests);
        var conflictLatency = new Latencies(maxRequests);
        var outcomes = new Outcomes();
        var accepted = new Accepted[maxRequests];
        var acceptedCount = 0;
        var buyerEnd = new long[buyers];
        var shed = 0;
        long lastAnswer = 0;
        var timeline = new Timeline();
        var gun = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var tasks = new Task[buyers];
        for (var b = 0; b < buyers; b++)
        {
            var buyer = b;
            tasks[b] = BuyAsync(buyer);
        }

        async Task BuyAsync(int buyer)
        {
            await gun.Task.ConfigureAwait(false);
            for (var attempt = 0; attempt < options.Attempts && !deadline.IsCancellationRequested; attempt++)
            {
                var submit = Stopwatch.GetTimestamp();
                // A shed request (503) is tried again after its Retry-After; the latency runs from the first try.
                var (reply, retries) = await run.Api.SendRetryingShedAsync(HttpMethod.Post, holdsUri, auths[buyer], plans[buyer][attempt], deadline)
                    .ConfigureAwait(false);
                Interlocked.Add(ref shed, retries);
                outcomes.Record(reply);
                requestLatency.AddSpan(submit, reply.EndTicks);
                timeline.Record(reply);
                RunContext.InterlockedMax(ref lastAnswer, reply.EndTicks);
                buyerEnd[buyer] = reply.EndTicks;
                if (reply.Status == 409)
                {
                    conflictLatency.AddSpan(submit, reply.EndTicks);
                    continue;
                }

                if (reply.Status == 202)
                {
                    accepted[Interlocked.Increment(ref acceptedCount) - 1] = new Accepted(reply.BookingId, buyer, submit, reply.EndTicks, firstSeats[buyer][attempt]);
                }

                return;
            }
        }

        if (options.PrimeLayout)
        {
            // A request for a seat that does not exist is refused with 400 after the ingress has cached the layout.
            await run.Api.SendAsync(HttpMethod.Post, holdsUri, auths[0], BookingApi.HoldBody(["ZZZ999"]), false, deadline);
        }

        var phase = run.Sampler.Start("herd");
        var t0 = Stopwatch.GetTimestamp();
        timeline.Start(t0);
        var t0Utc = DateTime.UtcNow;
        gun.SetResult();
        await Task.WhenAll(tasks);
        var answeredSeconds = (lastAnswer - t0) / (double)Stopwatch.Frequency;
        var acceptedList = accepted.AsSpan(0, acceptedCount).ToArray();
        var acceptedIds = acceptedList.Select(a => a.BookingId).ToList();

        // Every 202 must reach a stored outcome; the hub's events trail the commits by a little.
        await run.Database.WaitForStoredAsync(acceptedIds, options.Settle, deadline);
        var settledSeconds = Stopwatch.GetElapsedTime(t0).TotalSeconds;
        var rows = await run.Database.ReadBookingsAsync(acceptedIds, deadline);
        if (hub is not null)
        {
            await WaitForHubAsync(hub, showtime, acceptedList, rows, deadline);
        }

        var sampled = await phase.StopAsync();
        var takenSeats = await run.Database.TakenSeatsAsync([showtime], deadline);

        // Outcome latencies: a 409 ends with its answer; a 202 when the hold is seen on the hub (or, without the
        // hub, when the worker decided it: the row's created_at), a worker rejection when the worker decided it.
        double MsSinceT0(long ticks) => (ticks - t0) * 1000.0 / Stopwatch.Frequency;
        double DbMsSinceT0(DateTime utc) => (utc - t0Utc).TotalMilliseconds;
        var heldSeen = new Latencies(acceptedList.Length);
        var decided = new Latencies(acceptedList.Length);
        var answeredToHeld = new Latencies(acceptedList.Length);
        var answeredToDecided = new Latencies(acceptedList.Length);
        var workerRejected = new Latencies(acceptedList.Length);
        var outcomeAll = new Latencies(maxRequests);
        var buyerOutcome = new double[buyers];
        var lastHoldMs = double.NaN;
        int held = 0, rejectedInWorker = 0, notSeenOnHub = 0;
        foreach (var a in acceptedList)
        {
            if (!rows.TryGetValue(a.BookingId, out var row))
            {
                continue;
            }

            var submitMs = MsSinceT0(a.SubmitTicks);
            var answeredMs = MsSinceT0(a.AnsweredTicks);
            var decidedMs = DbMsSinceT0(row.CreatedAt);
            decided.AddMilliseconds(decidedMs - submitMs);
            answeredToDecided.AddMilliseconds(decidedMs - answeredMs);
            timeline.RecordDecided(decidedMs);
            double endMs;
            if (row.Status == "Held")
            {
                held++;
                if (hub is not null && hub.HeldSeats.TryGetValue((showtime, a.FirstSeat), out var seen))
                {
                    endMs = MsSinceT0(seen);
                    heldSeen.AddMilliseconds(endMs - submitMs);
                    answeredToHeld.AddMilliseconds(endMs - answeredMs);
                }
                else
                {
                    notSeenOnHub += hub is null ? 0 : 1;
                    endMs = decidedMs;
                }

                lastHoldMs = double.IsNaN(lastHoldMs) ? endMs : Math.Max(lastHoldMs, endMs);
            }
            else
            {
                rejectedInWorker++;
                endMs = DbMsSinceT0(row.UpdatedAt);
                workerRejected.AddMilliseconds(endMs - submitMs);
            }

            outcomeAll.AddMilliseconds(endMs - submitMs);
            buyerOutcome[a.Buyer] = endMs;
        }

        var conflicts = outcomes.Of(409);
        var conflictSummary = conflictLatency.Summarize();
        var buyerLatency = new Latencies(buyers);
        for (var b = 0; b < buyers; b++)
        {
            var end = buyerOutcome[b] > 0 ? buyerOutcome[b] : MsSinceT0(buyerEnd[b]);
            if (buyerEnd[b] > 0)
            {
                buyerLatency.AddMilliseconds(end);
            }
        }

        var totalRequests = outcomes.Total;
        var soldOut = takenSeats >= options.Seats;
        var holdsPerSecond = held > 0 && lastHoldMs > 0 ? held / (lastHoldMs / 1000) : 0;
        var ingressRate = answeredSeconds > 0 ? totalRequests / answeredSeconds : 0;
        var errors = outcomes.Unexpected(202, 409);
        var outcomeSummary = MergeOutcomeLatencies(conflictLatency, outcomeAll);

        Report.Section("Herd figures");
        Report.Line("buyers / hold requests sent", $"{buyers} / {totalRequests} (mean {(double)totalRequests / buyers:0.00} attempts a buyer)");
        Report.Line("requests/s at the ingress", $"{ingressRate:0}  ({Report.Ratio(ingressRate, baseline.PerSecond)} of baseline {baseline.PerSecond:0}/s)");
        Report.Line("rejected at the gate (409)", $"{conflicts} ({Share(conflicts, totalRequests)})");
        Report.Line("accepted (202)", $"{acceptedList.Length} ({Share(acceptedList.Length, totalRequests)})");
        Report.Line("shed (503, tried again after 1 s)", $"{shed}");
        Report.Line("  then held / rejected in the worker", $"{held} / {rejectedInWorker} ({Share(rejectedInWorker, totalRequests)} of requests)");
        Report.Line("errors by kind", errors.Count == 0 ? "none" : string.Join(", ", errors.Select(e => $"{e.Key}: {e.Value}")));
        Report.Line("seats taken at the end", $"{takenSeats} of {options.Seats}");
        Report.Line("time until sold out", soldOut ? $"{lastHoldMs / 1000:0.000} s" : $"not sold out ({options.Seats - takenSeats} seats left); last hold at {lastHoldMs / 1000:0.000} s");
        Report.Line("holds committed/s (release -> last hold)", $"{holdsPerSecond:0}");
        Report.Line("all answers in", $"{answeredSeconds:0.000} s; all outcomes stored at {settledSeconds:0.000} s");
        Report.Line("latency: HTTP answer, every request", requestLatency.Summarize().ToString());
        Report.Line("latency: 409 answer", conflictSummary.ToString());
        Report.Line(hub is null ? "latency: submit -> held (db created_at)" : "latency: submit -> held seen on hub", (hub is null ? decided : heldSeen).Summarize().ToString());
        Report.Line("latency: submit -> decided by worker (db)", decided.Summarize().ToString());
        Report.Line("latency: 202 answer -> decided by worker (db)", answeredToDecided.Summarize().ToString());
        if (hub is not null)
        {
            Report.Line("latency: 202 answer -> held seen on hub", answeredToHeld.Summarize().ToString());
        }
        Report.Line("latency: 202 -> rejected by worker (db)", workerRejected.Summarize().ToString());
        Report.Line("latency: submit -> outcome, every request", outcomeSummary.ToString());
        Report.Line("latency: buyer release -> final outcome", buyerLatency.Summarize().ToString());
        if (hub is not null)
        {
            Report.Line("hub", $"{hub.Messages} messages, {notSeenOnHub} holds not seen, {hub.Disconnects} disconnects");
        }

        timeline.Print();
        ProcessSampler.Print(sampled);

        var gate = await GatePathAsync(run, baseline, auths, deadline);

        var showtimes = new List<Guid> { showtime };
        showtimes.AddRange(gate.Showtimes);
        var allAccepted = acceptedIds.Concat(gate.Accepted).ToList();
        var (violations, stored) = await run.Database.CheckInvariantsAsync(showtimes, allAccepted, deadline);
        PrintInvariants(violations, allAccepted.Count, stored);

        var json = new JsonObject
        {
            ["scenario"] = "herd",
            ["buyers"] = buyers,
            ["seats"] = options.Seats,
            ["attempts"] = options.Attempts,
            ["connections"] = options.Connections,
            ["outcomesObservedVia"] = hub is null ? "database created_at/updated_at" : "hub SeatsChanged (one watcher); worker rejections from database updated_at",
            ["baseline"] = baseline.ToJson(),
            ["herd"] = new JsonObject
            {
                ["requests"] = totalRequests,
                ["answeredSeconds"] = Math.Round(answeredSeconds, 3),
                ["ingressRequestsPerSecond"] = Math.Round(ingressRate, 1),
                ["ingressRatioToBaseline"] = Report.RatioValue(ingressRate, baseline.PerSecond),
                ["rejectedAtGate"] = conflicts,
                ["accepted"] = acceptedList.Length,
                ["shedAndRetried"] = shed,
                ["held"] = held,
                ["rejectedInWorker"] = rejectedInWorker,
                ["gateRejectedShare"] = Math.Round(conflicts / (double)Math.Max(1, totalRequests), 4),
                ["workerRejectedShare"] = Math.Round(rejectedInWorker / (double)Math.Max(1, totalRequests), 4),
                ["errors"] = new JsonObject(errors.Select(e => KeyValuePair.Create(e.Key, (JsonNode?)e.Value))),
                ["takenSeats"] = takenSeats,
                ["soldOut"] = soldOut,
                ["lastHoldSeconds"] = double.IsNaN(lastHoldMs) ? null : Math.Round(lastHoldMs / 1000, 3),
                ["holdsCommittedPerSecond"] = Math.Round(holdsPerSecond, 1),
                ["outcomesStoredSeconds"] = Math.Round(settledSeconds, 3),
                ["latency"] = new JsonObject
                {
                    ["httpAnswer"] = requestLatency.Summarize().ToJson(),
                    ["conflict409"] = conflictSummary.ToJson(),
                    ["submitToHeldSeen"] = (hub is null ? decided : heldSeen).Summarize().ToJson(),
                    ["submitToDecidedDb"] = decided.Summarize().ToJson(),
                    ["acceptedAnswerToDecidedDb"] = answeredToDecided.Summarize().ToJson(),
                    ["acceptedAnswerToHeldSeen"] = answeredToHeld.Summarize().ToJson(),
                    ["acceptedToRejectedInWorker"] = workerRejected.Summarize().ToJson(),
                    ["submitToOutcome"] = outcomeSummary.ToJson(),
                    ["buyerReleaseToFinalOutcome"] = buyerLatency.Summarize().ToJson(),
                },
                ["hub"] = hub is null ? null : new JsonObject { ["messages"] = hub.Messages, ["holdsNotSeen"] = notSeenOnHub, ["disconnects"] = hub.Disconnects },
                ["timeline"] = timeline.ToJson(),
                ["layoutPrimed"] = options.PrimeLayout,
                ["resources"] = sampled,
            },
            ["gatePath"] = gate.Json,
            ["invariantViolations"] = new JsonArray([.. violations.Select(v => (JsonNode?)v)]),
        };
        return (json, violations.Count == 0 && gate.Ok);
    }

    /// <summary>
    /// The gate path: a showtime whose seats are all held first, then requests for its seats as fast as they are
    /// answered (a closed loop with the baseline's concurrency): every answer should be 409, from Redis alone.
    /// </summary>
    public static async Task<(JsonObject Json, bool Ok, List<Guid> Accepted, Guid[] Showtimes)> GatePathAsync(
        RunContext run, LoopResult baseline, AuthenticationHeaderValue[] auths, CancellationToken deadline)
    {
        var options = run.Options;
        var layout = new SeatLayout(options.GateSeats, Math.Min(options.RowSize, options.GateSeats));
        var showtime = (await run.ShowtimesAsync(1, "gate", deadline, layout))[0];
        var holdsUri = run.Api.HoldsUri(showtime);

        // Take every seat, four at a time, and wait until the worker has stored the holds.
        var fill = new List<Guid>();
        var allocator = new SeatAllocator(layout);
        var owner = 0;
        while (allocator.Take(4) is { } block)
        {
            var reply = await run.Api.SendAsync(HttpMethod.Post, holdsUri, auths[owner++ % auths.Length], BookingApi.HoldBody(block), false, deadline);
            if (reply.Status != 202)
            {
                throw new InvalidOperationException($"Filling the gate-path showtime: a hold was answered {reply.Status} {reply.Error}");
            }

            fill.Add(reply.BookingId);
        }

        await run.Database.WaitForStoredAsync(fill, options.Settle, deadline);

        var random = new Random(options.Seed + 1);
        var requests = options.BaselineRequests;
        var bodies = Enumerable.Range(0, requests).Select(_ => BookingApi.HoldBody(layout.RandomBlock(random))).ToArray();
        var accepted = new System.Collections.Concurrent.ConcurrentBag<Guid>();
        var phase = run.Sampler.Start("gate path");
        var result = await RunContext.ClosedLoopAsync(requests, run.Concurrency, async i =>
        {
            var reply = await run.Api.SendAsync(HttpMethod.Post, holdsUri, auths[i % auths.Length], bodies[i], false, deadline).ConfigureAwait(false);
            if (reply.Status == 202)
            {
                accepted.Add(reply.BookingId);
            }

            return reply;
        }, deadline);
        result.Sampled = await phase.StopAsync();

        var conflicts = result.Outcomes.Of(409);
        var gateRate = result.Seconds > 0 ? conflicts / result.Seconds : 0;
        var unexpected = result.Outcomes.Unexpected(409);
        Report.Section($"Gate path: {requests} hold requests for taken seats, {run.Concurrency} in flight");
        Report.Line("409 answers/s", $"{gateRate:0}  ({Report.Ratio(gateRate, baseline.PerSecond)} of baseline {baseline.PerSecond:0}/s; target >= 0.40x)");
        Report.Line("latency", result.Latency.ToString());
        Report.Line("answers", result.Outcomes.Describe());
        ProcessSampler.Print(result.Sampled);

        var json = result.ToJson();
        json["conflictsPerSecond"] = Math.Round(gateRate, 1);
        json["ratioToBaseline"] = Report.RatioValue(gateRate, baseline.PerSecond);
        json["unexpectedAnswers"] = new JsonObject(unexpected.Select(e => KeyValuePair.Create(e.Key, (JsonNode?)e.Value)));
        return (json, accepted.IsEmpty, [.. fill, .. accepted], [showtime]);
    }

    public static void PrintInvariants(List<string> violations, int accepted, int stored)
    {
        Report.Section("Invariants (database)");
        Report.Line("accepted requests with a stored outcome", $"{stored} of {accepted}");
        if (violations.Count == 0)
        {
            Report.Line("violations", "none (no seat twice, seats agree with bookings, every 202 stored, none pending)");
        }
        else
        {
            foreach (var violation in violations)
            {
                Report.Line("VIOLATION", violation);
            }
        }
    }

    public static string Share(int part, int whole) => whole > 0 ? $"{100.0 * part / whole:0.0}%" : "n/a";

    /// <summary>Waits briefly for the hub to show every stored hold (events trail the commits).</summary>
    private static async Task WaitForHubAsync(
        HubObserver hub, Guid showtime, Accepted[] accepted, Dictionary<Guid, StoredBooking> rows, CancellationToken deadline)
    {
        var expected = accepted.Where(a => rows.TryGetValue(a.BookingId, out var row) && row.Status == "Held").Select(a => a.FirstSeat).ToList();
        await hub.WaitUntilAsync(h => expected.All(seat => h.HeldSeats.ContainsKey((showtime, seat))), TimeSpan.FromSeconds(10), deadline);
    }

    private static LatencySummary MergeOutcomeLatencies(Latencies conflicts, Latencies accepted)
    {
        var merged = new Latencies(conflicts.Count + accepted.Count);
        foreach (var ticks in conflicts.Values.Concat(accepted.Values))
        {
            merged.Add(ticks);
        }

        return merged.Summarize();
    }
}

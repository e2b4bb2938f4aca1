using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Booking.LoadTest.Data;
using Booking.LoadTest.Measure;
using Booking.LoadTest.Observe;

namespace Booking.LoadTest.Scenarios;

/// <summary>
/// Sustained mixed traffic by the clock: holds at <c>--rate</c>, confirms and cancels of bookings seen held (a share
/// of the hold rate), and seat-map reads, for <c>--duration</c>. Holds ask for conflict-free blocks spread over
/// enough showtimes, so they measure the accepted path. Each customer keeps one hub connection; its
/// <c>BookingUpdated</c> names the booking, so submit-to-held, confirm-to-confirmed and cancel-to-cancelled are exact.
/// At ten times the capacity the same run shows the overload behaviour (rejection latencies, drops).
/// </summary>
public static class MixedScenario
{
    private readonly record struct HoldPlan(int Showtime, byte[] Body);

    /// <summary>What the client asked of one booking, by due time.</summary>
    private sealed class Asked
    {
        public long HoldDue;
        public long ConfirmDue;
        public long CancelDue;
    }

    public static async Task<(JsonObject Json, bool Ok)> RunAsync(RunContext run, CancellationToken deadline)
    {
        var options = run.Options;
        if (options.Realtime is null)
        {
            throw new ArgumentException("The mixed scenario needs the realtime hub (--realtime): confirms and cancels follow the holds seen there.");
        }

        var duration = TimeSpan.FromSeconds(options.DurationSeconds);
        var holds = (int)Math.Ceiling(options.Rate * options.DurationSeconds) + 1;
        var showtimeCount = options.Showtimes ?? (int)Math.Ceiling(holds * 2.5 * 1.05 / options.Seats) + 1;
        var totalRate = options.Rate * (1 + options.ConfirmShare + options.CancelShare) + options.ReadRate;
        Report.Section($"Mixed: {options.Rate:0} holds/s, {options.Rate * options.ConfirmShare:0} confirms/s, {options.Rate * options.CancelShare:0} cancels/s, " +
                       $"{options.ReadRate:0} seat-map reads/s for {options.DurationSeconds:0.#} s ({options.Customers} customers, {showtimeCount} showtimes)");

        var (tokens, auths) = await run.CustomersAsync("mixed", options.Customers, deadline);
        var showtimes = await run.ShowtimesAsync(showtimeCount, "mixed", deadline);
        var holdsUris = showtimes.Select(run.Api.HoldsUri).ToArray();
        var seatMapUris = showtimes.Select(id => new Uri(run.Api.Base, $"/api/showtimes/{id}/seats")).ToArray();

        var random = new Random(options.Seed + 3);
        var allocators = showtimes.Select(_ => new SeatAllocator(run.Layout)).ToArray();
        var plans = new List<HoldPlan>(holds);
        for (var k = 0; k < holds; k++)
        {
            var size = random.Next(1, 5);
            for (var tried = 0; tried < showtimeCount; tried++)
            {
                var s = (k + tried) % showtimeCount;
                if (allocators[s].Take(size) is { } block)
                {
                    plans.Add(new HoldPlan(s, BookingApi.HoldBody(block)));
                    break;
                }
            }
        }

        // Bookings seen held and not yet confirmed or cancelled: what confirms and cancels pick from.
        var heldPool = new List<(Guid BookingId, int Owner)>();
        var pickRandom = new Random(options.Seed + 4);
        await using var hub = new HubObserver(options.Realtime);
        hub.OnHeld = (bookingId, owner) =>
        {
            lock (heldPool)
            {
                heldPool.Add((bookingId, owner));
            }
        };
        var connectStarted = Stopwatch.GetTimestamp();
        await hub.ConnectOwnersAsync(tokens, deadline);
        Console.WriteLine($"  connected {tokens.Length} customers to the hub in {Stopwatch.GetElapsedTime(connectStarted).TotalSeconds:0.0} s");

        var baseline = await run.BaselineAsync(options.BaselineRequests, run.Concurrency, deadline);
        var baselineOpen = await OpenBaselineAsync(run, totalRate, TimeSpan.FromSeconds(Math.Min(options.DurationSeconds, 10)), deadline);

        var asked = new ConcurrentDictionary<Guid, Asked>();
        var confirmsAccepted = new ConcurrentBag<Guid>();
        var cancelsAccepted = new ConcurrentBag<Guid>();
        var capacity = holds + 16;

        (Guid BookingId, int Owner)? TakeHeld()
        {
            lock (heldPool)
            {
                if (heldPool.Count == 0)
                {
                    return null;
                }

                var index = pickRandom.Next(heldPool.Count);
                var taken = heldPool[index];
                heldPool[index] = heldPool[^1];
                heldPool.RemoveAt(heldPool.Count - 1);
                return taken;
            }
        }

        async Task<Reply> HoldAsync(long k, long due)
        {
            var plan = plans[(int)k];
            var reply = await run.Api.SendAsync(HttpMethod.Post, holdsUris[plan.Showtime], auths[k % auths.Length], plan.Body, false, deadline).ConfigureAwait(false);
            if (reply.Status == 202)
            {
                asked.GetOrAdd(reply.BookingId, static _ => new Asked()).HoldDue = due;
            }

            return reply;
        }

        async Task<Reply> ChangeAsync(HttpMethod method, (Guid BookingId, int Owner) booking, long due, bool confirm)
        {
            var path = confirm ? $"/api/bookings/{booking.BookingId}/confirm" : $"/api/bookings/{booking.BookingId}";
            var reply = await run.Api.SendAsync(method, new Uri(run.Api.Base, path), auths[booking.Owner], null, false, deadline).ConfigureAwait(false);
            if (reply.Status == 202)
            {
                var entry = asked.GetOrAdd(booking.BookingId, static _ => new Asked());
                if (confirm)
                {
                    entry.ConfirmDue = due;
                    confirmsAccepted.Add(booking.BookingId);
                }
                else
                {
                    entry.CancelDue = due;
                    cancelsAccepted.Add(booking.BookingId);
                }
            }

            return reply;
        }

        var holdStream = new OpenStream("hold", options.Rate, capacity, (k, due) => k < plans.Count ? HoldAsync(k, due) : null);
        var confirmStream = new OpenStream("confirm", options.Rate * options.ConfirmShare, capacity,
            (_, due) => TakeHeld() is { } booking ? ChangeAsync(HttpMethod.Post, booking, due, confirm: true) : null);
        var cancelStream = new OpenStream("cancel", options.Rate * options.CancelShare, capacity,
            (_, due) => TakeHeld() is { } booking ? ChangeAsync(HttpMethod.Delete, booking, due, confirm: false) : null);
        var entityTags = options.ConditionalReads ? new ConcurrentDictionary<Uri, EntityTagHeaderValue>() : null;
        var readStream = new OpenStream("seat map", options.ReadRate, (int)Math.Ceiling(options.ReadRate * options.DurationSeconds) + 16,
            (k, _) => run.Api.SendAsync(HttpMethod.Get, seatMapUris[k % seatMapUris.Length], null, null, true, deadline, entityTags));
        var streams = new[] { holdStream, confirmStream, cancelStream, readStream }.Where(s => s.Rate > 0).ToList();

        using var metricsHttp = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var steps = new HoldSteps(options.Ingress, options.Worker, options.Realtime);
        var stepsBefore = await steps.ReadAsync(metricsHttp, deadline);
        var phase = run.Sampler.Start("mixed");
        var loopStarted = Stopwatch.GetTimestamp();
        var loopStartedUtc = DateTime.UtcNow;
        var seconds = await OpenLoop.RunAsync(streams, duration, options.MaxInFlight, deadline);
        var sampled = await phase.StopAsync();

        // Outcomes: every accepted hold stored, every accepted confirm/cancel applied, the hub caught up.
        var holdIds = asked.Where(a => a.Value.HoldDue != 0).Select(a => a.Key).ToList();
        await run.Database.WaitForStoredAsync(holdIds, options.Settle, deadline);
        var changed = confirmsAccepted.Concat(cancelsAccepted).ToList();
        await run.Database.WaitForStatusAsync(changed, "Held", options.Settle, deadline);
        await hub.WaitUntilAsync(
            h => holdIds.All(id => h.Bookings.TryGetValue(id, out var seen) && seen.Held != 0), TimeSpan.FromSeconds(5), deadline);

        var stepsAfter = await steps.ReadAsync(metricsHttp, deadline);
        var submitToHeld = new Latencies(capacity);
        var confirmToConfirmed = new Latencies(capacity);
        var cancelToCancelled = new Latencies(capacity);
        var heldNotSeen = 0;
        foreach (var (bookingId, a) in asked)
        {
            hub.Bookings.TryGetValue(bookingId, out var seen);
            if (a.HoldDue != 0)
            {
                if (seen is { Held: > 0 })
                {
                    submitToHeld.AddSpan(a.HoldDue, seen.Held);
                }
                else
                {
                    heldNotSeen++;
                }
            }

            if (a.ConfirmDue != 0 && seen is { Confirmed: > 0 })
            {
                confirmToConfirmed.AddSpan(a.ConfirmDue, seen.Confirmed);
            }

            if (a.CancelDue != 0 && seen is { Cancelled: > 0 })
            {
                cancelToCancelled.AddSpan(a.CancelDue, seen.Cancelled);
            }
        }

        // Confirms and cancels are judged by their booking's row even when its hold was not answered 202: a hold
        // refused with 503 after a send time-out may still have reached the queue, been held, and been picked.
        var rows = await run.Database.ReadBookingsAsync([.. holdIds.Union(changed)], deadline);
        var heldWithout202 = changed.Count(id => !asked.TryGetValue(id, out var a) || a.HoldDue == 0);
        // The worker's decision on a hold (its row's created_at) against the hold's due time: the part of
        // "held seen on hub" spent before the worker decided; the rest is the commit, the event and the hub.
        var submitToDecided = new Latencies(capacity);
        foreach (var id in holdIds)
        {
            if (rows.TryGetValue(id, out var row))
            {
                // The decision's instant on the Stopwatch clock, by the two clocks' readings at the loop's start.
                var decided = loopStarted + (long)((row.CreatedAt - loopStartedUtc).TotalSeconds * Stopwatch.Frequency);
                submitToDecided.AddSpan(asked[id].HoldDue, decided);
            }
        }

        int CountRows(IEnumerable<Guid> ids, Func<StoredBooking, bool> match) => ids.Count(id => rows.TryGetValue(id, out var row) && match(row));
        static bool StillHeld(StoredBooking row) => row.Status == "Held";
        var confirmedOk = CountRows(confirmsAccepted, r => r.Status == "Confirmed" || (r.Status == "Rejected" && r.Reason == "expired"));
        var cancelledOk = CountRows(cancelsAccepted, r => r.Status == "Cancelled");
        var sent = streams.Sum(s => s.Outcomes.Total);
        var achieved = sent / Math.Max(seconds, 1e-9);
        var heldSummary = submitToHeld.Summarize();
        // The second half alone: the first seconds of load also time the services' warm-up (the JIT compiles hot
        // methods again, the first full garbage collections).
        var heldSecondHalf = holdStream.InSecondHalf(submitToHeld);
        var heldBySecond = holdStream.BySecond(submitToHeld, seconds);

        Report.Section("Mixed figures");
        Report.Line("requests sent / per s", $"{sent} / {achieved:0} ({Report.Ratio(achieved, baseline.PerSecond)} of the baseline ceiling {baseline.PerSecond:0}/s)");
        foreach (var stream in streams)
        {
            OpenLoop.Print(stream, seconds);
        }

        Report.Line("hold: 202 answers, p99 by the second they were due in", LatencySummary.P99s(holdStream.BySecond(holdStream.Succeeded, seconds)));
        Report.Line("submit (due) -> decided by worker (db)", submitToDecided.Summarize().ToString());
        Report.Line("  p99 by the second they were due in", LatencySummary.P99s(holdStream.BySecond(submitToDecided, seconds)));
        Report.Line("submit (due) -> held seen on hub", $"{heldSummary}  (target p99 < 50 ms at 1000 holds/s)");
        Report.Line("  the same, holds due in the second half", heldSecondHalf.ToString());
        Report.Line("  p99 by the second they were due in", LatencySummary.P99s(heldBySecond));
        Report.Line("confirm (due) -> confirmed seen on hub", confirmToConfirmed.Summarize().ToString());
        Report.Line("cancel (due) -> cancelled seen on hub", cancelToCancelled.Summarize().ToString());
        Report.Line("open-loop baseline at the same rate", baselineOpen.All.Summarize().ToString());
        Report.Line("hold latency p50 / p99 vs that baseline", $"{Report.Ratio(holdStream.All.Summarize().P50, baselineOpen.All.Summarize().P50)} / {Report.Ratio(holdStream.All.Summarize().P99, baselineOpen.All.Summarize().P99)}");
        Report.Line("accepted confirms applied / cancels applied", $"{confirmedOk} of {confirmsAccepted.Count} / {cancelledOk} of {cancelsAccepted.Count}");
        Report.Line("  of them on holds answered 503", $"{heldWithout202} (the send timed out, yet the hold reached the queue)");
        Report.Line("hub", $"{hub.Messages} messages, {heldNotSeen} accepted holds not seen held, {hub.Disconnects} disconnects");
        Report.Line("where a hold waits", "means over the load and until the outcomes were in, by the services' /metrics");
        var holdSteps = HoldSteps.Print(stepsBefore, stepsAfter);
        ProcessSampler.Print(sampled);

        var (violations, stored) = await run.Database.CheckInvariantsAsync(showtimes, holdIds, deadline);
        // A booking still held is a command still queued when --settle ran out: not wrong yet, but not shown right.
        var unapplied = CountRows(changed, StillHeld);
        if (unapplied > 0)
        {
            violations.Add($"{unapplied} confirms or cancels answered 202 were still not applied when --settle ({options.SettleSeconds} s) ran out");
        }

        var wrongConfirms = confirmsAccepted.Count - confirmedOk - CountRows(confirmsAccepted, StillHeld);
        if (wrongConfirms > 0)
        {
            violations.Add($"{wrongConfirms} confirms answered 202 ended neither confirmed nor rejected as expired");
        }

        var wrongCancels = cancelsAccepted.Count - cancelledOk - CountRows(cancelsAccepted, StillHeld);
        if (wrongCancels > 0)
        {
            violations.Add($"{wrongCancels} cancels answered 202 did not end cancelled");
        }

        HerdScenario.PrintInvariants(violations, holdIds.Count, stored);

        var json = new JsonObject
        {
            ["scenario"] = "mixed",
            ["rate"] = options.Rate,
            ["durationSeconds"] = Math.Round(seconds, 3),
            ["customers"] = options.Customers,
            ["showtimes"] = showtimeCount,
            ["outcomesObservedVia"] = "hub BookingUpdated, one connection per customer",
            ["baseline"] = baseline.ToJson(),
            ["baselineOpenLoopSameRate"] = baselineOpen.ToJson(Math.Min(options.DurationSeconds, 10)),
            ["requestsPerSecond"] = Math.Round(achieved, 1),
            ["ratioToBaseline"] = Report.RatioValue(achieved, baseline.PerSecond),
            ["streams"] = new JsonArray([.. streams.Select(s => (JsonNode?)s.ToJson(seconds))]),
            ["submitToHeld"] = heldSummary.ToJson(),
            ["submitToHeldSecondHalf"] = heldSecondHalf.ToJson(),
            ["submitToHeldP99BySecond"] = LatencySummary.P99sJson(heldBySecond),
            ["holdSteps"] = holdSteps,
            ["confirmToConfirmed"] = confirmToConfirmed.Summarize().ToJson(),
            ["cancelToCancelled"] = cancelToCancelled.Summarize().ToJson(),
            ["heldNotSeenOnHub"] = heldNotSeen,
            ["resources"] = sampled,
            ["invariantViolations"] = new JsonArray([.. violations.Select(v => (JsonNode?)v)]),
        };
        return (json, violations.Count == 0 && heldSummary.Count > 0);
    }

    /// <summary>The same open-loop rate against <c>GET /health/live</c>: the latency floor of this machine at this load.</summary>
    private static async Task<OpenStream> OpenBaselineAsync(RunContext run, double rate, TimeSpan duration, CancellationToken deadline)
    {
        var uri = new Uri(run.Api.Base, "/health/live");
        var stream = new OpenStream("baseline", rate, (int)Math.Ceiling(rate * duration.TotalSeconds) + 16,
            (_, _) => run.Api.SendAsync(HttpMethod.Get, uri, null, null, false, deadline));
        var seconds = await OpenLoop.RunAsync([stream], duration, run.Options.MaxInFlight, deadline);
        Report.Section($"Open-loop baseline: GET /health/live at {rate:0}/s for {seconds:0.#} s");
        OpenLoop.Print(stream, seconds);
        return stream;
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Booking.Testing;
using Xunit.Abstractions;

namespace Booking.Realtime.Tests.Hubs;

[Collection(RealtimeCollection.Name)]
public sealed class SeatsChangedTests(RealtimeSystemFixture fixture, ITestOutputHelper output)
{
    private BookingSystemFixture System => fixture.System;

    [Fact]
    public async Task Should_deliver_every_version_and_end_at_the_seat_map_when_a_watcher_follows_a_300_request_herd()
    {
        using var admin = await System.ClientAsync("admin", "admin");
        var rows = new[] { ("A", 20), ("B", 20), ("C", 20), ("D", 20), ("E", 20) };
        var showtimeId = await admin.CreateShowtimeIdAsync(null, rows);
        var seatIds = rows.SelectMany(r => Enumerable.Range(1, r.Item2).Select(n => $"{r.Item1}{n}")).ToArray();
        var watcherName = $"watcher-{Guid.NewGuid():N}";
        using var watcherHttp = await System.ClientAsync(watcherName);
        await using var watcher = await HubClient.ConnectAsync(fixture.Realtime, watcherHttp.Http.DefaultRequestHeaders.Authorization!.Parameter!);
        await watcher.WatchAsync(showtimeId);
        var initial = await watcherHttp.GetSeatMapAsync(showtimeId);
        var customers = await Task.WhenAll(Enumerable.Range(0, 300).Select(i => System.ClientAsync($"herd-{i}-{Guid.NewGuid():N}")));
        var random = new Random(7);
        var picks = customers.Select(_ => random.GetItems(seatIds, random.Next(1, 4)).Distinct().ToArray()).ToList();

        var responses = await Task.WhenAll(customers.Select((customer, i) => customer.HoldAsync(showtimeId, picks[i])));
        var accepted = new List<(BookingClient Customer, Guid BookingId)>();
        for (var i = 0; i < responses.Length; i++)
        {
            Assert.Contains(responses[i].StatusCode, new[] { HttpStatusCode.Accepted, HttpStatusCode.Conflict });
            if (responses[i].StatusCode == HttpStatusCode.Accepted)
            {
                var body = await responses[i].Content.ReadFromJsonAsync<JsonElement>(BookingClient.Json);
                accepted.Add((customers[i], body.GetProperty("bookingId").GetGuid()));
            }
        }

        var outcomes = await Task.WhenAll(accepted.Select(a => a.Customer.WaitForStatusAsync(a.BookingId)));
        // Some seats go back too, so the watcher sees every kind of change.
        var cancelled = accepted.Where((_, i) => outcomes[i] == "held").Take(10).ToList();
        await Task.WhenAll(cancelled.Select(c => c.Customer.CancelAsync(c.BookingId)));
        await Task.WhenAll(cancelled.Select(c => c.Customer.WaitForBookingAsync(c.BookingId, null, "held")));
        var final = await watcherHttp.GetSeatMapAsync(showtimeId);
        var finalVersion = final.GetProperty("version").GetInt64();
        // The realtime service handles events concurrently, so the last version may arrive before an earlier one.
        await BookingSystemFixture.WaitUntilAsync(
            () => watcher.SeatChanges.Select(Version).Distinct().Count(v => v >= 1 && v <= finalVersion) == finalVersion,
            TimeSpan.FromSeconds(30));

        var changes = watcher.SeatChanges.ToList();
        Assert.All(changes, c => Assert.Equal(showtimeId, c.GetProperty("showtimeId").GetGuid()));
        var byVersion = changes.GroupBy(Version).OrderBy(g => g.Key).ToList();
        Assert.Equal(0, initial.GetProperty("version").GetInt64());
        Assert.True(finalVersion > 10, $"Only {finalVersion} seat changes");
        Assert.Equal(Enumerable.Range(1, (int)finalVersion).Select(v => (long)v), byVersion.Select(g => g.Key));
        // At-least-once: a version delivered twice carries the same change.
        Assert.All(byVersion, g => Assert.Single(g.Select(c => c.GetProperty("seats").GetRawText()).Distinct()));
        var map = Statuses(initial);
        foreach (var change in byVersion.Select(g => g.First()))
        {
            foreach (var seat in change.GetProperty("seats").EnumerateArray())
            {
                map[seat.GetProperty("seatId").GetString()!] = seat.GetProperty("status").GetString()!;
            }
        }

        Assert.Equal(Statuses(final), map);
        var arrived = changes.Select(Version).ToList();
        output.WriteLine(
            $"{responses.Length} requests: {accepted.Count} accepted, {responses.Length - accepted.Count} conflicts; " +
            $"{outcomes.Count(o => o == "held")} held, {outcomes.Count(o => o == "rejected")} rejected, {cancelled.Count} cancelled; " +
            $"seat map version {finalVersion}; {changes.Count} SeatsChanged received, {changes.Count - byVersion.Count} duplicates, " +
            $"{arrived.Zip(arrived.Skip(1)).Count(p => p.Second < p.First)} arrived before a lower version");
        Assert.Contains("held", map.Values);
        Assert.Contains("available", map.Values);
        foreach (var customer in customers)
        {
            customer.Dispose();
        }
    }

    private static long Version(JsonElement change) => change.GetProperty("version").GetInt64();

    private static SortedDictionary<string, string> Statuses(JsonElement seatMap) =>
        new(seatMap.GetProperty("seats").EnumerateArray().ToDictionary(
            s => s.GetProperty("seatId").GetString()!, s => s.GetProperty("status").GetString()!));
}

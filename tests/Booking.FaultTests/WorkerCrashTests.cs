using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Booking.Testing;
using Booking.Worker.Partitions;

namespace Booking.FaultTests;

[Collection(FaultCollection.Name)]
public sealed class WorkerCrashTests(FaultFixture system) : IAsyncLifetime
{
    private static readonly string[] Rows = ["A", "B", "C", "D", "E", "F", "G", "H", "I", "J"];

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => system.AssertNoWorkerLeftAsync();

    /// <summary>
    /// A worker killed (SIGKILL, a crash) or stopped (SIGTERM, a deploy) mid-sale: either way a second worker applies
    /// every accepted hold, no seat is held twice, and nothing is parked in the error queues.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Should_lose_no_request_hold_no_seat_twice_and_park_none_when_a_worker_ends_mid_sale(bool killed)
    {
        var name = killed ? "crash" : "stop";
        await using var ingress = system.StartIngress();
        await using var errorQueues = await BrokerQueues.ConnectAsync(system.Servers.RabbitMq);
        var parkedBefore = await errorQueues.CountEachAsync(BookingSystemFixture.Partitions);
        await using var first = WorkerProcess.Start(system.Settings(), $"{name}-first");
        await WaitForPartitionsAsync([first]);
        using var http = ingress.CreateClient();
        await TestTokens.AuthorizeAsync(http, "admin", "admin");
        var showtimeId = await new BookingClient(http).CreateShowtimeIdAsync(null, [.. Rows.Select(row => (row, 30))]);
        var buyers = await Task.WhenAll(Enumerable.Range(0, 400).Select(i => BuyerAsync(ingress, $"{name}-{i}")));
        var random = new Random(killed ? 3 : 4);

        // The buyers arrive over about six seconds, longer than a cold worker's first transaction, so that the end
        // falls mid-sale: group commit would otherwise store a whole burst in the batch after the first.
        var sale = Task.WhenAll(buyers.Select((buyer, i) => HoldAsync(buyer, showtimeId, random, TimeSpan.FromMilliseconds(15 * i))));
        await BookingSystemFixture.WaitUntilAsync(() => Sql.CountBookings(system.Postgres, showtimeId) >= 5, TimeSpan.FromSeconds(30));
        await (killed ? first.KillAsync() : first.StopAsync());
        var storedAtEnd = Sql.CountBookings(system.Postgres, showtimeId);
        var answers = await sale;
        await using var second = WorkerProcess.Start(system.Settings(), $"{name}-second");

        if (!killed)
        {
            Assert.Equal(0, first.ExitCode);
        }

        var accepted = answers.Where(a => a.Status == HttpStatusCode.Accepted).ToList();
        Assert.All(answers, a => Assert.Contains(a.Status, new[] { HttpStatusCode.Accepted, HttpStatusCode.Conflict }));
        Assert.True(storedAtEnd < accepted.Count, $"the worker should end while requests are in flight ({storedAtEnd} of {accepted.Count} stored)");
        var outcomes = await Task.WhenAll(accepted.Select(a => new BookingClient(a.Buyer).WaitForStatusAsync(a.BookingId, TimeSpan.FromSeconds(90))));
        Assert.All(outcomes, status => Assert.Contains(status, new[] { "held", "rejected" }));
        await Invariants.AssertHoldAsync(system.Postgres, showtimeId, [.. accepted.Select(a => a.BookingId)]);
        Assert.Equal(parkedBefore, await errorQueues.CountEachAsync(BookingSystemFixture.Partitions));
    }

    [Fact]
    public async Task Should_spread_partitions_and_hand_them_over_when_workers_start_and_die()
    {
        await using var a = WorkerProcess.Start(system.Settings(), "spread-a");
        await using var b = WorkerProcess.Start(system.Settings(), "spread-b");
        await using var c = WorkerProcess.Start(system.Settings(), "spread-c");
        WorkerProcess[] workers = [a, b, c];

        // Every worker computes the same rendezvous scores, so the expected split is known in advance.
        await WaitForAssignmentAsync(workers);
        Assert.True(workers.Count(w => w.Attached.Count > 0) >= 2, "partitions should be spread over the workers: " + Describe(workers));
        var victim = workers.MaxBy(w => w.Attached.Count)!;
        await victim.KillAsync();
        var survivors = workers.Where(w => w != victim).ToArray();

        // The dead worker's heartbeat lapses after the TTL (2 s here); the survivors re-score within a heartbeat.
        await WaitForAssignmentAsync(survivors, TimeSpan.FromSeconds(15));
    }

    private static async Task WaitForAssignmentAsync(IReadOnlyList<WorkerProcess> workers, TimeSpan? timeout = null)
    {
        var names = workers.Select(w => w.Name).ToList();
        var expected = workers.ToDictionary(w => w, w => RendezvousAssignment.PartitionsOf(w.Name, names, BookingSystemFixture.Partitions));
        try
        {
            await BookingSystemFixture.WaitUntilAsync(() => workers.All(w => w.Attached.SetEquals(expected[w])), timeout ?? TimeSpan.FromSeconds(60));
        }
        catch (TimeoutException)
        {
            Assert.Fail($"Expected {string.Join("; ", expected.Select(e => $"{e.Key.Name}: [{string.Join(",", e.Value.Order())}]"))}, saw {Describe(workers)}");
        }
    }

    private static string Describe(IEnumerable<WorkerProcess> workers) =>
        string.Join("; ", workers.Select(w => $"{w.Name}: [{string.Join(",", w.Attached.Order())}]"));

    /// <summary>Waits until every partition is consumed by exactly one of <paramref name="workers"/>.</summary>
    private static async Task WaitForPartitionsAsync(IReadOnlyList<WorkerProcess> workers, TimeSpan? timeout = null)
    {
        try
        {
            await BookingSystemFixture.WaitUntilAsync(() =>
            {
                var attached = workers.SelectMany(w => w.Attached).ToList();
                return attached.Count == BookingSystemFixture.Partitions && attached.Distinct().Count() == BookingSystemFixture.Partitions;
            }, timeout ?? TimeSpan.FromSeconds(60));
        }
        catch (TimeoutException)
        {
            Assert.Fail("Partitions not covered once each: " + Describe(workers) + "\n" + string.Join("\n", workers.Select(w => w.Output)));
        }
    }

    private static async Task<HttpClient> BuyerAsync(ServiceHost<Booking.Ingress.IngressApp> ingress, string name)
    {
        var http = ingress.CreateClient();
        await TestTokens.AuthorizeAsync(http, name);
        return http;
    }

    private static async Task<(HttpStatusCode Status, Guid BookingId, HttpClient Buyer)> HoldAsync(
        HttpClient buyer, Guid showtimeId, Random random, TimeSpan arrival)
    {
        await Task.Delay(arrival);
        string[] seats;
        lock (random)
        {
            var row = Rows[random.Next(Rows.Length)];
            var start = random.Next(1, 30);
            seats = [.. Enumerable.Range(start, random.Next(1, 3)).Select(n => $"{row}{n}")];
        }

        var response = await buyer.PostAsJsonAsync($"/api/showtimes/{showtimeId}/holds", new { seats });
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (response.StatusCode, response.StatusCode == HttpStatusCode.Accepted ? body.GetProperty("bookingId").GetGuid() : Guid.Empty, buyer);
    }
}

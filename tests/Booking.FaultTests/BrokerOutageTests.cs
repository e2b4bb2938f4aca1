using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Booking.Testing;
using Booking.Ingress;
using Booking.Ingress.Shedding;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace Booking.FaultTests;

[Collection(FaultCollection.Name)]
public sealed class BrokerOutageTests(FaultFixture system) : IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => system.AssertNoWorkerLeftAsync();

    [Fact]
    public async Task Should_answer_503_with_retry_after_and_free_the_gate_when_rabbitmq_is_unreachable()
    {
        await using var healthy = system.StartIngress();
        using var admin = await healthy.ClientAsync("admin", "admin");
        var showtimeId = await admin.CreateShowtimeIdAsync(null, ("A", 3));
        await using var cutOff = system.StartIngress(new Dictionary<string, string?>
        {
            ["ConnectionStrings:RabbitMq"] = $"amqp://guest:guest@127.0.0.1:{ClosedPorts.Next()}/",
        });
        using var alice = await cutOff.ClientAsync("alice");

        var response = await alice.HoldAsync(showtimeId, "A1", "A2");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.True(response.Headers.RetryAfter is { Delta: { } delay } && delay > TimeSpan.Zero, "Retry-After should be set");
        await using var redis = await ConnectionMultiplexer.ConnectAsync(system.Servers.Redis);
        Assert.False(await redis.GetDatabase().KeyExistsAsync($"seat:{{{showtimeId:N}}}:A1"));
        Assert.False(await redis.GetDatabase().KeyExistsAsync($"seat:{{{showtimeId:N}}}:A2"));
        using var bob = await healthy.ClientAsync("bob");
        Assert.Equal(HttpStatusCode.Accepted, (await bob.HoldAsync(showtimeId, "A1", "A2")).StatusCode);
    }

    [Fact]
    public async Task Should_keep_the_queue_depth_reader_running_on_one_connection_when_the_broker_stops_answering_for_longer_than_its_client_waits()
    {
        await using var proxy = TcpProxy.To(new Uri(system.Servers.RabbitMq).Port);
        await using var ingress = StartIngressThrough(proxy, ("Ingress:Shedding:QueueDepthPollMilliseconds", "100"));
        var depths = ingress.Services.GetRequiredService<PartitionQueueDepths>();
        // The queue-depth reader polls the broker on a connection of its own, next to the bus's.
        await BookingSystemFixture.WaitUntilAsync(() => proxy.OpenConnections >= 2, TimeSpan.FromSeconds(30));

        proxy.Stall();
        // RabbitMQ.Client gives up on an answer after 20 s, with a TaskCanceledException.
        await Task.Delay(TimeSpan.FromSeconds(25));
        proxy.Restore();

        // A background service that throws stops the whole host (BackgroundServiceExceptionBehavior.StopHost). A reader
        // that let the time-out through may end only once the broker answers again (if closing its connection waits
        // for the broker), so the check waits 10 s after the stall.
        var reading = depths.ExecuteTask!;
        var ended = await Task.WhenAny(reading, Task.Delay(TimeSpan.FromSeconds(10))) == reading;
        Assert.False(ended, $"the queue-depth reader ended ({reading.Status})");

        // The connection the reader gave up on must go: left alone, it stayed open for good once the broker answered
        // again; closed, it went about 10 s after that. Then only the bus's connection and the reader's new one are left.
        await BookingSystemFixture.WaitUntilAsync(() => proxy.OpenConnections == 2, TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task Should_refuse_each_hold_within_the_send_time_out_when_the_broker_stops_answering()
    {
        await using var proxy = TcpProxy.To(new Uri(system.Servers.RabbitMq).Port);
        await using var ingress = StartIngressThrough(proxy);
        using var admin = await ingress.ClientAsync("admin", "admin");
        var showtimeId = await admin.CreateShowtimeIdAsync(null, ("A", 12));
        using var alice = await ingress.ClientAsync($"alice-{Guid.NewGuid():N}");
        Assert.Equal(HttpStatusCode.Accepted, (await alice.HoldAsync(showtimeId, "A12")).StatusCode);

        proxy.Stall();
        var holds = Task.Run(async () =>
        {
            var answers = new List<(HttpStatusCode StatusCode, TimeSpan Elapsed, JsonElement Problem)>();
            for (var n = 1; n <= 3; n++)
            {
                var watch = Stopwatch.StartNew();
                using var response = await alice.HoldAsync(showtimeId, $"A{n}");
                answers.Add((response.StatusCode, watch.Elapsed, await response.Content.ReadFromJsonAsync<JsonElement>()));
            }

            return answers;
        });
        await Task.WhenAny(holds, Task.Delay(TimeSpan.FromSeconds(25)));
        proxy.Restore();
        var answers = await holds;

        // The send time-out is 5 s. The send after one that timed out used to wait for the broker (15 s of a 20 s stall).
        Assert.All(answers, answer => Assert.Equal(HttpStatusCode.ServiceUnavailable, answer.StatusCode));
        Assert.All(answers, answer => Assert.True(answer.Elapsed < TimeSpan.FromSeconds(10), $"answered after {answer.Elapsed}"));
        // The broker may still take such a send, so the answer names the booking to read; here no worker runs, so
        // none is stored, and reading it says so.
        foreach (var (_, _, problem) in answers)
        {
            var bookingId = problem.GetProperty("bookingId").GetGuid();
            Assert.Equal($"/api/bookings/{bookingId}", problem.GetProperty("statusUrl").GetString());
            Assert.Contains("may still be applied", problem.GetProperty("detail").GetString());
            Assert.Equal(HttpStatusCode.NotFound, (await alice.GetBookingResponseAsync(bookingId)).StatusCode);
        }
    }

    [Fact]
    public async Task Should_send_the_holds_of_a_batch_whose_leading_client_left_while_the_broker_was_slow()
    {
        await using var proxy = TcpProxy.To(new Uri(system.Servers.RabbitMq).Port);
        await using var ingress = StartIngressThrough(proxy);
        using var admin = await ingress.ClientAsync("admin", "admin");
        var showtimeId = await admin.CreateShowtimeIdAsync(null, ("A", 12));
        using var alice = await ingress.ClientAsync($"alice-{Guid.NewGuid():N}");
        using var bob = await ingress.ClientAsync($"bob-{Guid.NewGuid():N}");
        using var carol = await ingress.ClientAsync($"carol-{Guid.NewGuid():N}");
        Assert.Equal(HttpStatusCode.Accepted, (await alice.HoldAsync(showtimeId, "A12")).StatusCode);

        // Alice's send waits for the stalled broker; Bob's and Carol's holds queue behind it and go together in the
        // next send, which Bob's request runs. Bob leaves while that send waits, and then the broker answers.
        // They arrive late in Alice's 5 s, so that their own 5 s outlast the stall.
        proxy.Stall();
        var first = alice.HoldAsync(showtimeId, "A1");
        await Task.Delay(TimeSpan.FromSeconds(3.5));
        using var leaving = new CancellationTokenSource();
        var leader = bob.Http.PostAsJsonAsync($"/api/showtimes/{showtimeId}/holds", new { seats = new[] { "A2" } }, leaving.Token);
        await Task.Delay(TimeSpan.FromMilliseconds(300));
        var follower = carol.HoldAsync(showtimeId, "A3");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await first).StatusCode);
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        leaving.Cancel();
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        proxy.Restore();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => leader);
        Assert.Equal(HttpStatusCode.Accepted, (await follower).StatusCode);
    }

    /// <summary>An ingress whose connections to the broker go through <paramref name="proxy"/>.</summary>
    private ServiceHost<IngressApp> StartIngressThrough(TcpProxy proxy, params (string Key, string? Value)[] settings)
    {
        var overrides = settings.ToDictionary(s => s.Key, s => s.Value);
        overrides["ConnectionStrings:RabbitMq"] = new UriBuilder(system.Servers.RabbitMq) { Port = proxy.Port }.Uri.ToString();
        return system.StartIngress(overrides);
    }
}

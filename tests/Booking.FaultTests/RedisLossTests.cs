using System.Diagnostics;
using System.Net;
using Booking.Testing;
using StackExchange.Redis;

namespace Booking.FaultTests;

[Collection(FaultCollection.Name)]
public sealed class RedisLossTests(FaultFixture system) : IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => system.AssertNoWorkerLeftAsync();

    [Fact]
    public async Task Should_sell_no_seat_twice_and_rebuild_the_gate_when_redis_is_flushed_and_restarted_empty_mid_sale()
    {
        await using var redis = await RedisProcess.StartAsync();
        var overrides = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Redis"] = redis.ConnectionString,
            ["Worker:Gate:CheckSeconds"] = "0.5",
        };
        await using var worker = system.StartWorker(overrides);
        await using var ingress = system.StartIngress(overrides);
        await worker.WaitForAllPartitionsAsync();
        using var admin = await ingress.ClientAsync("admin", "admin");
        var showtimeId = await admin.CreateShowtimeIdAsync(null, ("A", 10), ("B", 10), ("C", 10));
        var seatIds = new[] { "A", "B", "C" }.SelectMany(row => Enumerable.Range(1, 10).Select(n => $"{row}{n}")).ToArray();

        var before = await SaleDriver.RushAsync(ingress, showtimeId, seatIds, 40, 1, "before");
        var sold = await ConfirmSomeAsync(before);
        await redis.FlushAllAsync();
        var afterFlush = await SaleDriver.RushAsync(ingress, showtimeId, seatIds, 40, 2, "flushed");
        await redis.RestartEmptyAsync();
        var afterRestart = await SaleDriver.RushAsync(ingress, showtimeId, seatIds, 40, 3, "restarted");

        var all = before.Concat(afterFlush).Concat(afterRestart).ToList();
        Assert.All(all, a => Assert.Contains(a.Status, new[] { HttpStatusCode.Accepted, HttpStatusCode.Conflict }));
        var accepted = all.Where(a => a.Status == HttpStatusCode.Accepted).ToList();
        Assert.All(await SaleDriver.OutcomesAsync(accepted), status => Assert.Contains(status, new[] { "held", "rejected", "confirmed" }));
        await Invariants.AssertHoldAsync(system.Postgres, showtimeId, [.. accepted.Select(a => a.BookingId)]);

        // The workers notice the missing marker and rebuild; then sold seats are refused at the gate again.
        await using var probe = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        await BookingSystemFixture.WaitUntilAsync(() => probe.GetDatabase().KeyExists("booking:gate:rebuilt"), TimeSpan.FromSeconds(20));
        foreach (var seat in sold)
        {
            Assert.Null(await probe.GetDatabase().KeyTimeToLiveAsync($"seat:{{{showtimeId:N}}}:{seat}"));
            Assert.True(await probe.GetDatabase().KeyExistsAsync($"seat:{{{showtimeId:N}}}:{seat}"), $"sold seat {seat} has no gate key");
        }

        using var late = await ingress.ClientAsync("late");
        Assert.Equal(HttpStatusCode.Conflict, (await late.HoldAsync(showtimeId, sold[0])).StatusCode);
    }

    [Theory]
    [InlineData("restarted")]
    [InlineData("flushed")]
    public async Task Should_leave_the_gate_unmarked_when_redis_loses_its_data_during_a_rebuild(string loss)
    {
        await using var redis = await RedisProcess.StartAsync();
        await using var connection = await ConnectionMultiplexer.ConnectAsync($"{redis.ConnectionString},abortConnect=false");
        var gate = TestGates.OnRedis(connection);
        var rebuild = await gate.BeginRebuildAsync();

        await (loss == "restarted" ? redis.RestartEmptyAsync() : redis.FlushAllAsync());

        // Sent while the connection may still be down, the mark reaches the new, empty server: it must not take.
        Assert.False(await gate.MarkRebuiltAsync(rebuild));
        Assert.False(await gate.IsRebuiltAsync());
        Assert.True(await gate.MarkRebuiltAsync(await gate.BeginRebuildAsync()));
        Assert.True(await gate.IsRebuiltAsync());
    }

    [Fact]
    public async Task Should_answer_503_when_an_admin_rebuilds_the_gate_while_redis_is_down()
    {
        await using var redis = await RedisProcess.StartAsync();
        await using var ingress = system.StartIngress(new Dictionary<string, string?> { ["ConnectionStrings:Redis"] = redis.ConnectionString });
        using var admin = await ingress.ClientAsync("admin", "admin");
        await redis.KillAsync();

        var response = await admin.Http.PostAsync("/api/admin/gate/rebuild", null);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.NotNull(response.Headers.RetryAfter);
    }

    [Fact]
    public async Task Should_pass_holds_to_the_worker_within_the_redis_time_out_when_redis_hangs()
    {
        await using var worker = system.StartWorker();
        await using var healthy = system.StartIngress();
        await worker.WaitForAllPartitionsAsync();
        using var admin = await healthy.ClientAsync("admin", "admin");
        var showtimeId = await admin.CreateShowtimeIdAsync(null, ("A", 4));
        var redisPort = ((IPEndPoint)ConfigurationOptions.Parse(system.Servers.Redis).EndPoints[0]).Port;
        await using var proxy = TcpProxy.To(redisPort);
        await using var hanging = system.StartIngress(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Redis"] = $"127.0.0.1:{proxy.Port},asyncTimeout=1000",
        });
        var customer = $"alice-{Guid.NewGuid():N}";
        using var alice = await hanging.ClientAsync(customer);
        await alice.HoldAcceptedAsync(showtimeId, "A1");

        proxy.Stall();
        var watch = Stopwatch.StartNew();
        var response = await alice.HoldAsync(showtimeId, "A2", "A3");
        var elapsed = watch.Elapsed;
        proxy.Restore();

        // The gate and the pending record each wait out the 1 s time-out (5 s each without the setting), then the
        // hold goes on unchecked, and the worker decides it from the database.
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.True(elapsed < TimeSpan.FromSeconds(5), $"answered after {elapsed}");
        using var aliceElsewhere = await healthy.ClientAsync(customer);
        Assert.Equal("held", await aliceElsewhere.WaitForStatusAsync(await BookingClient.AcceptedBookingIdAsync(response)));
    }

    private static async Task<List<string>> ConfirmSomeAsync(List<SaleDriver.Answer> answers)
    {
        var sold = new List<string>();
        foreach (var answer in answers.Where(a => a.Status == HttpStatusCode.Accepted).Take(10))
        {
            if (await answer.Buyer.WaitForStatusAsync(answer.BookingId) != "held")
            {
                continue;
            }

            await answer.Buyer.ConfirmAsync(answer.BookingId);
            var booking = await answer.Buyer.WaitForBookingAsync(answer.BookingId, null, "pending", "held");
            Assert.Equal("confirmed", booking.GetProperty("status").GetString());
            sold.AddRange(booking.GetProperty("seats").EnumerateArray().Select(s => s.GetString()!));
        }

        Assert.NotEmpty(sold);
        return sold;
    }
}

using Booking.Core.Partitioning;
using Booking.Testing;
using Npgsql;

namespace Booking.FaultTests;

[Collection(FaultCollection.Name)]
public sealed class DatabaseOutageTests(FaultFixture system) : IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => system.AssertNoWorkerLeftAsync();

    [Fact]
    public async Task Should_apply_an_accepted_hold_once_postgresql_is_back_after_an_outage_longer_than_the_quick_retries()
    {
        var postgres = new NpgsqlConnectionStringBuilder(system.Postgres);
        await using var proxy = TcpProxy.To(postgres.Port);
        postgres.Port = proxy.Port;
        await using var worker = system.StartWorker(new Dictionary<string, string?> { ["ConnectionStrings:Postgres"] = postgres.ConnectionString });
        await using var ingress = system.StartIngress();
        await worker.WaitForAllPartitionsAsync();
        using var admin = await ingress.ClientAsync("admin", "admin");
        var showtimeId = await admin.CreateShowtimeIdAsync(null, ("A", 3));
        using var alice = await ingress.ClientAsync("alice");
        var before = await alice.HoldAcceptedAsync(showtimeId, "A1");
        Assert.Equal("held", await alice.WaitForStatusAsync(before));
        await using var errorQueues = await BrokerQueues.ConnectAsync(system.Servers.RabbitMq);
        var partition = ShowtimePartitions.PartitionOf(showtimeId, BookingSystemFixture.Partitions);
        var parkedBefore = await errorQueues.CountAsync(partition);

        proxy.Cut();
        var bookingId = await alice.HoldAcceptedAsync(showtimeId, "A2");
        await Task.Delay(TimeSpan.FromSeconds(8)); // more than the quick retries' 3 s, after which it used to be parked
        var duringOutage = (await alice.GetBookingAsync(bookingId)).GetProperty("status").GetString();
        proxy.Restore();

        Assert.Equal("pending", duringOutage);
        Assert.Equal("held", await alice.WaitForStatusAsync(bookingId, TimeSpan.FromSeconds(30)));
        Assert.Equal(parkedBefore, await errorQueues.CountAsync(partition));
        await Invariants.AssertHoldAsync(system.Postgres, showtimeId, [before, bookingId]);
    }
}

using System.Net;
using System.Net.Sockets;
using Booking.Testing;
using StackExchange.Redis;

namespace Booking.FaultTests;

[Collection(FaultCollection.Name)]
public sealed class BrokerOutageTests(FaultFixture system)
{
    [Fact]
    public async Task Should_answer_503_with_retry_after_and_free_the_gate_when_rabbitmq_is_unreachable()
    {
        await using var healthy = system.StartIngress();
        using var admin = await healthy.ClientAsync("admin", "admin");
        var showtimeId = await admin.CreateShowtimeIdAsync(null, ("A", 3));
        await using var cutOff = system.StartIngress(new Dictionary<string, string?>
        {
            ["ConnectionStrings:RabbitMq"] = $"amqp://guest:guest@127.0.0.1:{ClosedPort()}/",
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

    private static int ClosedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}

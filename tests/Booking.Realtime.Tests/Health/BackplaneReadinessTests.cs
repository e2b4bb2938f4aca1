using System.Net;
using Booking.Testing;

namespace Booking.Realtime.Tests.Health;

[Collection(RealtimeCollection.Name)]
public sealed class BackplaneReadinessTests(RealtimeSystemFixture fixture)
{
    [Fact]
    public async Task Should_report_ready_once_the_backplane_answers()
    {
        await using var instance = await fixture.StartRealtimeAsync();
        using var http = instance.CreateClient();

        await BookingSystemFixture.WaitUntilAsync(
            async () => (await http.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK, TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task Should_report_not_ready_while_the_backplane_cannot_reach_redis()
    {
        // A hub connection to such an instance fails at once, so a load balancer must send clients elsewhere. It is
        // stopped at the end: it shares the events' queue with the other instances, and could not pass them on.
        await using var instance = await fixture.StartRealtimeAsync(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Redis"] = $"127.0.0.1:{ClosedPorts.Next()},connectTimeout=500",
        });
        using var http = instance.CreateClient();

        for (var check = 0; check < 5; check++)
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, (await http.GetAsync("/health/ready")).StatusCode);
            await Task.Delay(TimeSpan.FromMilliseconds(500));
        }
    }
}

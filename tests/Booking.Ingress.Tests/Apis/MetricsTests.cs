using System.Net;
using Booking.Testing;

namespace Booking.Ingress.Tests.Apis;

[Collection(SystemCollection.Name)]
public sealed class MetricsTests(BookingSystemFixture system)
{
    [Fact]
    public async Task Should_export_the_business_metrics_at_metrics_once_holds_were_accepted_and_refused()
    {
        using var admin = await system.ClientAsync("admin", "admin");
        using var alice = await system.ClientAsync("alice");
        using var bob = await system.ClientAsync("bob");
        var showtimeId = await admin.CreateShowtimeIdAsync(null, ("A", 2));
        await alice.HoldAcceptedAsync(showtimeId, "A1");
        Assert.Equal(HttpStatusCode.Conflict, (await bob.HoldAsync(showtimeId, "A1")).StatusCode);

        using var http = system.Ingress.CreateClient();
        var metrics = await http.GetStringAsync("/metrics");

        Assert.Contains("booking_holds_accepted", metrics, StringComparison.Ordinal);
        Assert.Contains("booking_holds_rejected", metrics, StringComparison.Ordinal);
        Assert.Contains("stage=\"gate\"", metrics, StringComparison.Ordinal);
        // Redis, seen from the client: the gate's round trips.
        Assert.Contains("booking_gate_duration", metrics, StringComparison.Ordinal);
        Assert.Contains("operation=\"hold\"", metrics, StringComparison.Ordinal);
    }
}

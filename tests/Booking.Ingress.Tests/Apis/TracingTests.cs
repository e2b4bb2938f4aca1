using System.Collections.Concurrent;
using System.Diagnostics;
using Booking.Testing;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;

namespace Booking.Ingress.Tests.Apis;

[Collection(SystemCollection.Name)]
public sealed class TracingTests(BookingSystemFixture system)
{
    [Fact]
    public async Task Should_record_traces_only_when_an_otlp_endpoint_is_configured()
    {
        var redisCommands = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name.StartsWith("OpenTelemetry.Instrumentation.StackExchangeRedis", StringComparison.Ordinal),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = redisCommands.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        // Nothing listens there: the exporter's failures stay in the background and must not touch requests.
        await using var traced = system.StartIngress(new Dictionary<string, string?> { ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://127.0.0.1:9" });
        using var admin = await system.ClientAsync("admin", "admin");
        var showtimeId = await admin.CreateShowtimeIdAsync(null, ("A", 1));
        using var alice = await traced.ClientAsync($"alice-{Guid.NewGuid():N}");

        Assert.Equal("held", await alice.WaitForStatusAsync(await alice.HoldAcceptedAsync(showtimeId, "A1")));
        Assert.NotNull(traced.Services.GetService<TracerProvider>());
        Assert.Null(system.Ingress.Services.GetService<TracerProvider>());
        // Redis commands become spans when the instrumentation next polls its profiling sessions.
        await BookingSystemFixture.WaitUntilAsync(() => redisCommands.Any(c => c.DisplayName.Contains("EVAL", StringComparison.Ordinal)), TimeSpan.FromSeconds(20));
    }
}

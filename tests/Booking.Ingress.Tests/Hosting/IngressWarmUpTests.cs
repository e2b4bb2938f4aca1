using System.Net;
using Booking.Ingress.Hosting;
using Booking.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging.Testing;

namespace Booking.Ingress.Tests.Hosting;

[Collection(SystemCollection.Name)]
public sealed class IngressWarmUpTests(BookingSystemFixture system)
{
    [Fact]
    public async Task Should_answer_one_request_down_each_path_through_its_own_listener_and_be_unready_until_then()
    {
        var settings = system.Settings(new Dictionary<string, string?> { ["Logging:LogLevel:Booking.Ingress"] = "Information" });
        await using var ingress = new ServiceHost<IngressApp>(settings, services => services.AddFakeLogging());
        ingress.UseKestrel(0);
        ingress.StartServer();
        using var http = ingress.CreateClient();

        await BookingSystemFixture.WaitUntilAsync(
            async () => (await http.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK, TimeSpan.FromSeconds(30));

        var warmedUp = Assert.Single(
            ingress.Services.GetFakeLogCollector().GetSnapshot(),
            log => log.Category == typeof(IngressWarmUp).FullName && log.Message.StartsWith("Warmed up", StringComparison.Ordinal));
        // Every path was answered, by the API itself: nothing of that showtime or booking exists.
        Assert.EndsWith("(answers 404, 404, 404, 404, 404)", warmedUp.Message);
        // A warm-up that has not run yet holds readiness back.
        var notYetRun = ActivatorUtilities.CreateInstance<IngressWarmUp>(ingress.Services);
        Assert.Equal(HealthStatus.Unhealthy, (await notYetRun.CheckHealthAsync(new HealthCheckContext())).Status);
    }
}

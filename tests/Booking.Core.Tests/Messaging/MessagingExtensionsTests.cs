using Booking.Core.Messaging;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Booking.Core.Tests.Messaging;

public sealed class MessagingExtensionsTests
{
    [Fact]
    public void Should_turn_masstransit_usage_telemetry_off_when_the_bus_is_added()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["ConnectionStrings:RabbitMq"] = "";

        builder.AddBookingMessaging();

        using var services = builder.Services.BuildServiceProvider();
        Assert.False(services.GetRequiredService<IOptions<UsageTelemetryOptions>>().Value.Enabled);
    }
}

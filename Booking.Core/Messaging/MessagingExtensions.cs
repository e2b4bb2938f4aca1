using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Booking.Core.Messaging;

/// <summary>Registers the message bus.</summary>
public static class MessagingExtensions
{
    /// <summary>
    /// Adds MassTransit on RabbitMQ when <c>ConnectionStrings:RabbitMq</c> is set (an <c>amqp://</c> URI), otherwise
    /// on the in-memory transport (standalone). Each role adds its consumers through <paramref name="roles"/>, so one
    /// process can host several roles on one bus.
    /// </summary>
    /// <remarks>
    /// MassTransit's usage telemetry (8.4 and later report the bus's shape to its makers' servers) is off: a service
    /// calls nothing outside the network it runs in that its operators did not configure.
    /// </remarks>
    public static IHostApplicationBuilder AddBookingMessaging(
        this IHostApplicationBuilder builder, params Action<IBusRegistrationConfigurator>[] roles)
    {
        var rabbitMq = builder.Configuration.GetConnectionString("RabbitMq");
        builder.Services.AddMassTransit(bus =>
        {
            bus.SetKebabCaseEndpointNameFormatter();
            bus.DisableUsageTelemetry();
            foreach (var role in roles)
            {
                role(bus);
            }

            if (!string.IsNullOrWhiteSpace(rabbitMq))
            {
                bus.UsingRabbitMq((context, cfg) =>
                {
                    cfg.Host(new Uri(rabbitMq));
                    cfg.ConfigureEndpoints(context);
                });
            }
            else
            {
                bus.UsingInMemory((context, cfg) => cfg.ConfigureEndpoints(context));
            }
        });
        return builder;
    }
}

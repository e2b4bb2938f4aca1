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
    public static IHostApplicationBuilder AddBookingMessaging(
        this IHostApplicationBuilder builder, params Action<IBusRegistrationConfigurator>[] roles)
    {
        var rabbitMq = builder.Configuration.GetConnectionString("RabbitMq");
        builder.Services.AddMassTransit(bus =>
        {
            bus.SetKebabCaseEndpointNameFormatter();
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

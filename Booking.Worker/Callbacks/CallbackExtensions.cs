using Booking.Core.Callbacks;
using MassTransit;

namespace Booking.Worker.Callbacks;

/// <summary>Registers the worker's callbacks: signed HTTP POSTs of booking changes to the booking's callbackUrl.</summary>
public static class CallbackExtensions
{
    /// <summary>
    /// Adds the <c>Callbacks</c> options, the signer, the guarded HttpClient and the endpoint that delivers
    /// callbacks (only when <c>Callbacks:SigningSecret</c> is set).
    /// </summary>
    public static IHostApplicationBuilder AddCallbacks(this IHostApplicationBuilder builder)
    {
        builder.AddCallbackOptions();
        builder.Services.AddSingleton<CallbackSigner>();
        builder.Services.AddSingleton<CallbackMetrics>();
        builder.Services.AddSingleton<CallbacksInProgress>();
        builder.Services.AddSingleton<CallbackConnector>();
        builder.Services.AddHttpClient<CallbackClient>(http =>
            {
                http.Timeout = Timeout.InfiniteTimeSpan;
                http.DefaultRequestHeaders.UserAgent.ParseAdd("Booking-Callbacks/1.0");
            })
            .ConfigurePrimaryHttpMessageHandler(services => new SocketsHttpHandler
            {
                ConnectCallback = services.GetRequiredService<CallbackConnector>().ConnectAsync,
                AllowAutoRedirect = false,
                UseProxy = false,
                UseCookies = false,
                PooledConnectionLifetime = TimeSpan.FromMinutes(1),
            })
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan);
        builder.Services.AddSingleton<CallbackEndpoint>();
        builder.Services.AddHostedService(services => services.GetRequiredService<CallbackEndpoint>());
        return builder;
    }

    /// <summary>
    /// Registers the callbacks' consumer without an endpoint of its own: <see cref="CallbackEndpoint"/> attaches it to
    /// <see cref="CallbackEndpoint.QueueName"/> when callbacks are on.
    /// </summary>
    public static void AddCallbackConsumer(this IBusRegistrationConfigurator bus) =>
        bus.AddConsumer<BookingStatusChangedConsumer, BookingStatusChangedConsumerDefinition>().ExcludeFromConfigureEndpoints();
}

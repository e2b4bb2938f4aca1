using Booking.Realtime.Consumers;
using Booking.Realtime.Health;
using Booking.Realtime.Hubs;
using Booking.ServiceDefaults;
using MassTransit;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Booking.Realtime.Extensions;

/// <summary>Registers and maps the realtime role: the SignalR hub, its Redis backplane and the event consumers.</summary>
public static class RealtimeServiceExtensions
{
    /// <summary>
    /// The one queue every Realtime instance consumes from, and the prefix of the backplane's Redis channels.
    /// </summary>
    public const string QueueName = "booking-realtime";

    /// <summary>The CORS policy of the hub: the origins of <see cref="RealtimeOptions.AllowedOrigins"/>.</summary>
    public const string CorsPolicy = "hub";

    /// <summary>
    /// Adds authentication, SignalR with the API's JSON settings (camelCase, enums as strings, nulls left out), CORS
    /// for the browser origins of <c>Realtime:AllowedOrigins</c> and, when <c>ConnectionStrings:Redis</c> is set, the
    /// Redis backplane. The bus is added by the host (see Program.cs).
    /// </summary>
    public static IHostApplicationBuilder AddRealtimeServices(this IHostApplicationBuilder builder)
    {
        builder.AddBookingAuthentication();
        builder.Services.AddSingleton<IUserIdProvider, SubjectUserIdProvider>();
        builder.Services.AddOptions<RealtimeOptions>().BindConfiguration(RealtimeOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddCors();
        builder.Services.AddOptions<CorsOptions>().Configure<IOptions<RealtimeOptions>>((cors, realtime) =>
            cors.AddPolicy(CorsPolicy, policy => policy
                .WithOrigins(realtime.Value.AllowedOrigins)
                .WithMethods(HttpMethods.Get, HttpMethods.Post)
                .AllowAnyHeader()
                .AllowCredentials()));

        var signalR = builder.Services.AddSignalR()
            .AddJsonProtocol(options => ServiceDefaultsExtensions.ConfigureJson(options.PayloadSerializerOptions));
        var redis = builder.Configuration.GetConnectionString("Redis");
        if (!string.IsNullOrWhiteSpace(redis))
        {
            var backplane = new BackplaneConnection();
            builder.Services.AddSingleton(backplane);
            builder.Services.AddHealthChecks().AddCheck<BackplaneHealthCheck>("backplane");
            signalR.AddStackExchangeRedis(redis, options =>
            {
                options.Configuration.ChannelPrefix = RedisChannel.Literal(QueueName);
                // Connect once and keep reconnecting in the background, as Booking.Core does for the gate: during a
                // Redis outage hub connections fail fast and work again as soon as Redis is back, instead of each
                // one waiting in turn for a fresh connect attempt.
                options.Configuration.AbortOnConnectFail = false;
                options.ConnectionFactory = log => backplane.ConnectAsync(options.Configuration, log);
            });
        }

        return builder;
    }

    /// <summary>
    /// Registers the consumer of the worker's events on one shared queue, <see cref="QueueName"/>: with N instances each
    /// event is consumed once, and the backplane fans it out to the clients of every instance. A queue per instance would
    /// deliver every event N times over the backplane.
    /// </summary>
    public static void AddRealtimeConsumers(this IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<BookingsChangedConsumer>(RetryBriefly).Endpoint(SharedQueue);
    }

    /// <summary>
    /// Each event costs one send to the backplane, which waits on a Redis round trip, so many messages run at once: with
    /// the broker's default prefetch the queue fell behind the worker by seconds during a sale while this service idled
    /// (that was with one event per message; a message now holds a whole commit's events).
    /// Watchers put a showtime's changes back in order by their version.
    /// </summary>
    private static void SharedQueue(IEndpointRegistrationConfigurator endpoint)
    {
        endpoint.Name = QueueName;
        endpoint.PrefetchCount = 256;
    }

    /// <summary>
    /// Maps the hub at <see cref="BookingHub.Path"/> and the development token endpoint (where allowed). CORS runs
    /// before authentication, so a browser's preflight (which carries no token) is answered instead of refused. A
    /// connection is closed once its token expires, whatever its transport: a WebSocket or an event stream never
    /// presents the token again, so it would otherwise keep receiving for as long as it stays open.
    /// </summary>
    public static WebApplication MapRealtimeHub(this WebApplication app)
    {
        app.UseCors();
        app.UseBookingAuthentication();
        app.MapHub<BookingHub>(BookingHub.Path, hub => hub.CloseOnAuthenticationExpiration = true).RequireCors(CorsPolicy);
        app.MapDevTokens();
        return app;
    }

    // A send fails only while the backplane's Redis is unreachable; a short back-off rides out a failover, and past
    // it the event goes to the error queue: clients catch up from the seat-map version or GET /api/bookings/{id}.
    private static void RetryBriefly<T>(IRegistrationContext context, IConsumerConfigurator<T> consumer)
        where T : class =>
        consumer.UseMessageRetry(retry => retry.Exponential(
            5, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(200)));
}

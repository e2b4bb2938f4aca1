using Booking.Core;
using Booking.Core.Callbacks;
using Booking.Core.Gate;
using Booking.Ingress.Apis;
using Booking.Ingress.Holds;
using Booking.Ingress.Hosting;
using Booking.Ingress.Shedding;
using Booking.SeatMap;
using Booking.Ingress.Showtimes;
using Booking.ServiceDefaults;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Scalar.AspNetCore;

namespace Booking.Ingress.Extensions;

/// <summary>Registers and maps the public HTTP API.</summary>
public static class IngressServiceExtensions
{
    /// <summary>
    /// Adds the API's services: authentication, the showtime layout cache, the seat maps, the pending-booking store
    /// (Redis when configured, memory otherwise), the warm-up that <c>/health/ready</c> waits for and the OpenAPI
    /// document. The database, gate and bus are added by the host.
    /// </summary>
    public static IHostApplicationBuilder AddIngressServices(this IHostApplicationBuilder builder)
    {
        builder.AddBookingOptions();
        builder.AddBookingAuthentication();
        builder.AddCallbackOptions();
        builder.Services.AddMemoryCache();
        builder.Services.AddSingleton<ShowtimeLayouts>();
        builder.Services.AddSingleton<SeatMaps>();
        builder.Services.AddSingleton<PendingBookings>();
        builder.Services.AddSingleton<IdempotencyClaims>();
        builder.Services.AddSingleton<HoldSender>();
        builder.AddShedding();
        builder.Services.AddSingleton<IngressWarmUp>();
        builder.Services.AddHostedService(services => services.GetRequiredService<IngressWarmUp>());
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
            "warm-up", services => services.GetRequiredService<IngressWarmUp>(), HealthStatus.Unhealthy, tags: null));
        builder.Services.AddOpenApi(options => options.AddBodyExamples().AddBearerSecurity());
        return builder;
    }

    /// <summary>
    /// Maps the API, the seat-map page at <c>/</c>, the development token endpoint (where allowed) and, in development,
    /// the API reference.
    /// </summary>
    public static WebApplication MapIngressApi(this WebApplication app)
    {
        app.UseEarlyHoldShedding();
        app.UseBookingAuthentication();
        app.UsePerCustomerLimit();
        app.MapShowtimesApi();
        app.MapHoldsApi();
        app.MapBookingsApi();
        app.MapAdminApi();
        app.MapDevTokens();
        app.MapSeatMapPage();
        app.MapOpenApi();
        if (app.Environment.IsDevelopment())
        {
            app.MapScalarApiReference();
        }

        return app;
    }
}

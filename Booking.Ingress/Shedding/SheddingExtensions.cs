using Booking.Core.Telemetry;
using Booking.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Booking.Ingress.Shedding;

/// <summary>Registers the ingress's load shedding: a per-customer rate limit, the ingress's hold rate and the partition queue bound.</summary>
public static class SheddingExtensions
{
    public static IHostApplicationBuilder AddShedding(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<SheddingOptions>().BindConfiguration(SheddingOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<PartitionQueueDepths>();
        builder.Services.AddSingleton<SendSlots>();
        builder.Services.AddSingleton<HoldAdmission>();
        builder.Services.AddSingleton<HoldShedding>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<PartitionQueueDepths>());
        builder.Services.AddSingleton<CustomerLimits>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<CustomerLimits>());
        return builder;
    }

    /// <summary>Marks the hold endpoint, whose requests <see cref="UsePerCustomerLimit"/> counts per customer.</summary>
    public sealed class LimitPerCustomer;

    /// <summary>
    /// Answers 429 with <c>Retry-After</c> to a customer over <see cref="CustomerLimits"/> on an endpoint marked
    /// <see cref="LimitPerCustomer"/>, before its body is read. Call it after authentication and authorization: it
    /// needs the caller's customer id, and the endpoint lets in only authenticated callers.
    /// </summary>
    public static WebApplication UsePerCustomerLimit(this WebApplication app)
    {
        app.Use(async (http, next) =>
        {
            if (http.GetEndpoint()?.Metadata.GetMetadata<LimitPerCustomer>() is not null
                && http.User.Identity?.IsAuthenticated == true
                && !http.RequestServices.GetRequiredService<CustomerLimits>().TryTake(http.User.CustomerId()))
            {
                http.RequestServices.GetRequiredService<BookingMetrics>().RequestShed("customer_rate");
                http.Response.Headers.RetryAfter = "1";
                await CustomerRateExceeded().ExecuteAsync(http);
                return;
            }

            await next(http);
        });
        return app;
    }

    /// <summary>The answer past a customer's rate, with <c>Retry-After: 1</c> set by the caller.</summary>
    internal static ProblemHttpResult CustomerRateExceeded() =>
        TypedResults.Problem(
            "Too many requests from this customer; try again in a second.",
            statusCode: StatusCodes.Status429TooManyRequests,
            title: "Slow down",
            type: "https://tools.ietf.org/html/rfc6585#section-4");

    /// <summary>Marks the hold endpoint, whose requests <see cref="UseEarlyHoldShedding"/> may refuse.</summary>
    public sealed class ShedHoldsEarly;

    /// <summary>
    /// Refuses holds that <see cref="HoldShedding"/> would refuse anyway, before authentication, the per-customer
    /// limit and the body are looked at: call it before <c>UseBookingAuthentication</c>. So while a sale is busier
    /// than the ingress lets in, an unauthenticated or malformed hold also gets the 503 rather than its 401 or 400.
    /// (The standalone process maps the hub first, whose authentication then runs before this: same answers, later.)
    /// </summary>
    public static WebApplication UseEarlyHoldShedding(this WebApplication app)
    {
        app.Use(async (http, next) =>
        {
            if (http.GetEndpoint()?.Metadata.GetMetadata<ShedHoldsEarly>() is not null
                && Guid.TryParse(http.Request.RouteValues["id"] as string, out var showtimeId)
                && http.RequestServices.GetRequiredService<HoldShedding>().Look(http, showtimeId) is { } refusal)
            {
                await refusal.ExecuteAsync(http);
                return;
            }

            await next(http);
        });
        return app;
    }
}

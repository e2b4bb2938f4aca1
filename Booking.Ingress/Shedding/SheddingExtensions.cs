using System.Threading.RateLimiting;
using Booking.Core.Telemetry;
using Booking.ServiceDefaults;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Booking.Ingress.Shedding;

/// <summary>Registers the ingress's load shedding: a per-customer rate limit, the ingress's hold rate and the partition queue bound.</summary>
public static class SheddingExtensions
{
    /// <summary>The rate-limiting policy of the hold endpoint.</summary>
    public const string PerCustomerPolicy = "per-customer";

    public static IHostApplicationBuilder AddShedding(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<SheddingOptions>().BindConfiguration(SheddingOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<PartitionQueueDepths>();
        builder.Services.AddSingleton<SendSlots>();
        builder.Services.AddSingleton<HoldAdmission>();
        builder.Services.AddSingleton<HoldShedding>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<PartitionQueueDepths>());
        builder.Services.AddRateLimiter(limiter =>
        {
            limiter.AddPolicy(PerCustomerPolicy, http =>
            {
                var options = http.RequestServices.GetRequiredService<IOptions<SheddingOptions>>().Value;
                return RateLimitPartition.GetTokenBucketLimiter(
                    http.User.CustomerId(),
                    _ => new TokenBucketRateLimiterOptions
                    {
                        TokenLimit = options.PerCustomerBurst,
                        TokensPerPeriod = options.PerCustomerPerSecond,
                        ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                        QueueLimit = 0,
                        // An auto-replenishing bucket runs a timer of its own, one per customer seen (36,000 in
                        // many-sales); the partitioned limiter's heartbeat (every 100 ms) replenishes the others with
                        // one timer for all. many-sales went from 3,510-3,638 to 3,660-3,806 holds/s.
                        AutoReplenishment = false,
                    });
            });
            limiter.OnRejected = async (context, cancellationToken) =>
            {
                context.HttpContext.RequestServices.GetRequiredService<BookingMetrics>().RequestShed("customer_rate");
                context.HttpContext.Response.Headers.RetryAfter = "1";
                await TypedResults.Problem(
                        "Too many requests from this customer; try again in a second.",
                        statusCode: StatusCodes.Status429TooManyRequests,
                        title: "Slow down")
                    .ExecuteAsync(context.HttpContext);
            };
        });
        return builder;
    }

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

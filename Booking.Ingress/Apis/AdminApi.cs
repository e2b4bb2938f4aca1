using Booking.Core.Gate;
using Booking.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;
using StackExchange.Redis;

namespace Booking.Ingress.Apis;

/// <summary><c>/api/admin</c>: operations for administrators.</summary>
public static class AdminApi
{
    /// <summary>How many seat locks a rebuild wrote.</summary>
    public sealed record GateRebuildResponse(int Locks);

    public static IEndpointRouteBuilder MapAdminApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/admin/gate/rebuild", RebuildGateAsync)
            .WithTags("Admin")
            .WithSummary("Rebuild the seat gate from the database (admin); workers also do it by themselves when Redis lost its data")
            .RequireAuthorization(Roles.Admin);
        return app;
    }

    /// <summary>A Redis that is down, or lost its data during the rebuild, is a 503: try again, or let the workers do it.</summary>
    private static async Task<Results<Ok<GateRebuildResponse>, ProblemHttpResult>> RebuildGateAsync(
        GateRebuilder rebuilder, HttpContext http, ILogger<GateRebuilder> logger, CancellationToken cancellationToken)
    {
        try
        {
            return await rebuilder.RebuildAsync(cancellationToken) is { } locks
                ? TypedResults.Ok(new GateRebuildResponse(locks))
                : HoldsApi.ServiceUnavailable(http, "Redis lost its data while the gate was being rebuilt. Try again.", retryAfterSeconds: 1);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            logger.LogWarning(ex, "Could not rebuild the seat gate");
            return HoldsApi.ServiceUnavailable(http, "Redis did not answer, so the gate was not rebuilt. The workers rebuild it once Redis is back.");
        }
    }
}

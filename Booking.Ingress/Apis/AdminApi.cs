using Booking.Core.Gate;
using Booking.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;

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

    private static async Task<Ok<GateRebuildResponse>> RebuildGateAsync(GateRebuilder rebuilder, CancellationToken cancellationToken) =>
        TypedResults.Ok(new GateRebuildResponse(await rebuilder.RebuildAsync(cancellationToken)));
}

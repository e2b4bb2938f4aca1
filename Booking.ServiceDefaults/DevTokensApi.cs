using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Booking.ServiceDefaults;

/// <summary><c>POST /dev/tokens</c>: mints tokens for development and demos, only where <c>Auth:DevTokens</c> is true.</summary>
public static class DevTokensApi
{
    /// <summary>A token request: the subject (customer id) and its roles.</summary>
    public sealed record DevTokenRequest([property: Required, StringLength(AuthenticationExtensions.MaxSubjectLength, MinimumLength = 1)] string Subject, string[]? Roles = null);

    /// <summary>A minted token.</summary>
    public sealed record DevTokenResponse(string AccessToken, DateTimeOffset ExpiresAt);

    /// <summary>Maps the endpoint when development tokens are on; does nothing otherwise.</summary>
    public static IEndpointRouteBuilder MapDevTokens(this IEndpointRouteBuilder app)
    {
        var options = app.ServiceProvider.GetRequiredService<IOptions<AuthOptions>>().Value;
        // Mapped once per application, however many roles of one process (Booking.Standalone) ask for it.
        if (!options.DevTokens || (app is IApplicationBuilder application && !application.Properties.TryAdd("Booking.DevTokens.Mapped", true)))
        {
            return app;
        }

        app.MapPost("/dev/tokens", (DevTokenRequest request) =>
            {
                if (!AuthenticationExtensions.IsValidSubject(request.Subject))
                {
                    return Results.Problem(
                        $"subject must be 1 to {AuthenticationExtensions.MaxSubjectLength} characters, none of them control characters.",
                        statusCode: StatusCodes.Status400BadRequest, title: "Invalid token request");
                }

                if (request.Roles is { } roles && roles.Any(string.IsNullOrWhiteSpace))
                {
                    return Results.Problem("roles must not be empty.", statusCode: StatusCodes.Status400BadRequest, title: "Invalid token request");
                }

                var expiresAt = DateTimeOffset.UtcNow.AddMinutes(options.DevTokenMinutes);
                var token = AuthenticationExtensions.MintToken(options, request.Subject, request.Roles ?? [], expiresAt);
                return Results.Ok(new DevTokenResponse(token, expiresAt));
            })
            .WithTags("Development")
            .WithSummary("Mint a development token")
            .AllowAnonymous();
        return app;
    }
}

using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Booking.ServiceDefaults;

/// <summary><c>POST /dev/tokens</c>: mints tokens for development and demos, only where <c>Auth:DevTokens</c> is true.</summary>
public static class DevTokensApi
{
    /// <summary>A token request: the subject (customer id) and its roles.</summary>
    public sealed record DevTokenRequest([property: Required, StringLength(200, MinimumLength = 1)] string Subject, string[]? Roles);

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
                if (string.IsNullOrWhiteSpace(request.Subject) || request.Subject.Length > 200)
                {
                    return Results.Problem(
                        "subject must be 1 to 200 characters.", statusCode: StatusCodes.Status400BadRequest, title: "Invalid token request");
                }

                var expiresAt = DateTimeOffset.UtcNow.AddMinutes(options.DevTokenMinutes);
                var claims = new List<Claim> { new("sub", request.Subject) };
                claims.AddRange((request.Roles ?? []).Select(role => new Claim("role", role)));
                var token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
                {
                    Subject = new ClaimsIdentity(claims),
                    Issuer = options.Issuer,
                    Audience = options.Audience,
                    Expires = expiresAt.UtcDateTime,
                    SigningCredentials = new SigningCredentials(
                        AuthenticationExtensions.SigningKey(options), SecurityAlgorithms.HmacSha256),
                });
                return Results.Ok(new DevTokenResponse(token, expiresAt));
            })
            .WithTags("Development")
            .WithSummary("Mint a development token")
            .AllowAnonymous();
        return app;
    }
}

using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Booking.ServiceDefaults;

/// <summary>JWT bearer authentication shared by every HTTP-facing service.</summary>
public static class AuthenticationExtensions
{
    /// <summary>
    /// Validates HMAC-signed JWTs from the <c>Auth</c> section. <c>sub</c> is the customer id and <c>role</c> claims
    /// are roles. The token may also come as the <c>access_token</c> query parameter on hub paths, because browsers
    /// cannot set headers on WebSocket requests.
    /// </summary>
    public static IHostApplicationBuilder AddBookingAuthentication(this IHostApplicationBuilder builder)
    {
        // Several roles of one process (Booking.Standalone) call this; the bearer scheme may be registered once only.
        if (builder.Services.Any(service => service.ServiceType == typeof(AuthenticationRegistered)))
        {
            return builder;
        }

        builder.Services.AddSingleton<AuthenticationRegistered>();
        builder.Services.AddOptions<AuthOptions>()
            .BindConfiguration(AuthOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IOptions<AuthOptions>>((jwt, auth) =>
            {
                jwt.TokenHandlers.Clear();
                jwt.TokenHandlers.Add(new ValidatedTokenCache(new JsonWebTokenHandler { MapInboundClaims = false }, ValidatedTokensKept));
                jwt.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuer = auth.Value.Issuer,
                    ValidAudience = auth.Value.Audience,
                    IssuerSigningKey = SigningKey(auth.Value),
                    NameClaimType = "sub",
                    RoleClaimType = "role",
                    ClockSkew = TimeSpan.FromSeconds(30),
                };
                jwt.Events = new JwtBearerEvents
                {
                    OnMessageReceived = context =>
                    {
                        var token = context.Request.Query["access_token"];
                        if (!string.IsNullOrEmpty(token) && context.HttpContext.Request.Path.StartsWithSegments("/hubs"))
                        {
                            context.Token = token;
                        }

                        return Task.CompletedTask;
                    },
                    // A signed token is still refused (401) when its subject could not be stored as a customer id.
                    OnTokenValidated = context =>
                    {
                        if (!IsValidSubject(context.Principal?.FindFirstValue("sub")))
                        {
                            context.Fail($"The token's sub claim must be 1 to {MaxSubjectLength} characters, none of them control characters.");
                        }

                        return Task.CompletedTask;
                    },
                };
            });
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(Roles.Admin, policy => policy.RequireRole(Roles.Admin));
        return builder;
    }

    /// <summary>
    /// Adds the authentication and authorization middleware, once per application however many roles of one process
    /// (Booking.Standalone) ask for it. Call it after <c>MapDefaultEndpoints</c>, so a 401 or 403 gets a problem body.
    /// </summary>
    public static WebApplication UseBookingAuthentication(this WebApplication app)
    {
        if (((IApplicationBuilder)app).Properties.TryAdd("Booking.Authentication.Used", true))
        {
            app.UseAuthentication();
            app.UseAuthorization();
        }

        return app;
    }

    /// <summary>
    /// The validated tokens a process keeps in each of <see cref="ValidatedTokenCache"/>'s two generations: a herd of
    /// ten thousand buyers, about 1.3 KB each.
    /// </summary>
    private const int ValidatedTokensKept = 10_000;

    /// <summary>The longest <c>sub</c> accepted: the length of the bookings' customer id column.</summary>
    public const int MaxSubjectLength = 200;

    /// <summary>Whether <paramref name="subject"/> can be a customer id: 1 to <see cref="MaxSubjectLength"/> characters, no control characters.</summary>
    public static bool IsValidSubject(string? subject) => StoredText.IsValid(subject, MaxSubjectLength);

    /// <summary>The customer id of an authenticated caller: the token's <c>sub</c>.</summary>
    public static string CustomerId(this ClaimsPrincipal user) =>
        user.FindFirstValue("sub") ?? throw new InvalidOperationException("The token has no sub claim.");

    private sealed class AuthenticationRegistered;

    /// <summary>A token this service accepts, signed with <see cref="AuthOptions.SigningKey"/>.</summary>
    public static string MintToken(AuthOptions options, string subject, IEnumerable<string> roles, DateTimeOffset expiresAt)
    {
        var claims = new List<Claim> { new("sub", subject) };
        claims.AddRange(roles.Select(role => new Claim("role", role)));
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Subject = new ClaimsIdentity(claims),
            Issuer = options.Issuer,
            Audience = options.Audience,
            Expires = expiresAt.UtcDateTime,
            SigningCredentials = new SigningCredentials(SigningKey(options), SecurityAlgorithms.HmacSha256),
        });
    }

    internal static SymmetricSecurityKey SigningKey(AuthOptions options) => new(Encoding.UTF8.GetBytes(options.SigningKey));
}

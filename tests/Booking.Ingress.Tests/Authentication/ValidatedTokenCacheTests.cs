using System.Text;
using Booking.ServiceDefaults;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Booking.Ingress.Tests.Authentication;

public sealed class ValidatedTokenCacheTests
{
    private static readonly AuthOptions Auth = new() { SigningKey = "a signing key of the validated-token cache tests" };

    [Fact]
    public async Task Should_keep_a_token_from_its_second_validation_and_serve_it_until_it_expires()
    {
        var inner = new CountingHandler();
        var cache = new ValidatedTokenCache(inner, capacity: 100);
        var expiresAt = DateTimeOffset.UtcNow.AddSeconds(2);
        var token = AuthenticationExtensions.MintToken(Auth, "buyer", [], expiresAt);

        var first = await cache.ValidateTokenAsync(token, Parameters());
        var second = await cache.ValidateTokenAsync(token, Parameters());
        var third = await cache.ValidateTokenAsync(token, Parameters());
        var fourth = await cache.ValidateTokenAsync(token, Parameters());

        Assert.All([first, second, third, fourth], result => Assert.True(result.IsValid));
        Assert.Equal(2, inner.Validations);
        Assert.Same(third.ClaimsIdentity, fourth.ClaimsIdentity);
        // What is kept carries the claims, names and lifetime that validation gave.
        Assert.Equal(Claims(second), Claims(third));
        Assert.Equal(second.ClaimsIdentity.NameClaimType, third.ClaimsIdentity.NameClaimType);
        Assert.Equal(second.ClaimsIdentity.RoleClaimType, third.ClaimsIdentity.RoleClaimType);
        Assert.Equal(second.SecurityToken.ValidTo, third.SecurityToken.ValidTo);
        Assert.Equal(second.SecurityToken.ValidFrom, third.SecurityToken.ValidFrom);

        // exp is in whole seconds: wait until it has passed, then the kept result must not be served.
        var expired = DateTimeOffset.FromUnixTimeSeconds(expiresAt.ToUnixTimeSeconds());
        await Task.Delay(expired - DateTimeOffset.UtcNow + TimeSpan.FromMilliseconds(200));
        var late = await cache.ValidateTokenAsync(token, Parameters());
        Assert.False(late.IsValid);
        Assert.Equal(3, inner.Validations);
    }

    [Fact]
    public async Task Should_not_keep_a_token_that_failed_validation()
    {
        var inner = new CountingHandler();
        var cache = new ValidatedTokenCache(inner, capacity: 100);
        var forged = AuthenticationExtensions.MintToken(
            new AuthOptions { SigningKey = "another signing key, not the one the service trusts" }, "buyer", [], DateTimeOffset.UtcNow.AddMinutes(5));

        Assert.False((await cache.ValidateTokenAsync(forged, Parameters())).IsValid);
        Assert.False((await cache.ValidateTokenAsync(forged, Parameters())).IsValid);
        Assert.Equal(2, inner.Validations);
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public async Task Should_keep_at_most_two_generations_and_validate_a_dropped_token_again()
    {
        var inner = new CountingHandler();
        var cache = new ValidatedTokenCache(inner, capacity: 2);
        var tokens = Enumerable.Range(1, 5)
            .Select(n => AuthenticationExtensions.MintToken(Auth, $"buyer-{n}", [], DateTimeOffset.UtcNow.AddMinutes(5)))
            .ToList();
        foreach (var token in tokens)
        {
            Assert.True((await cache.ValidateTokenAsync(token, Parameters())).IsValid);
            Assert.True((await cache.ValidateTokenAsync(token, Parameters())).IsValid);
        }

        Assert.InRange(cache.Count, 1, 4);
        Assert.Equal(10, inner.Validations);

        Assert.True((await cache.ValidateTokenAsync(tokens[^1], Parameters())).IsValid);
        Assert.Equal(10, inner.Validations);
        Assert.True((await cache.ValidateTokenAsync(tokens[0], Parameters())).IsValid);
        Assert.Equal(11, inner.Validations);
    }

    private static List<(string Type, string Value)> Claims(TokenValidationResult result) =>
        [.. result.ClaimsIdentity.Claims.Select(claim => (claim.Type, claim.Value))];

    private static TokenValidationParameters Parameters() => new()
    {
        ValidIssuer = Auth.Issuer,
        ValidAudience = Auth.Audience,
        IssuerSigningKey = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(Auth.SigningKey)),
        ClockSkew = TimeSpan.Zero,
    };

    private sealed class CountingHandler : JsonWebTokenHandler
    {
        private int _validations;

        public int Validations => _validations;

        public override Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
        {
            Interlocked.Increment(ref _validations);
            return base.ValidateTokenAsync(token, validationParameters);
        }
    }
}

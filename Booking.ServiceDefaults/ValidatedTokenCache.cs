using System.Collections.Concurrent;
using Microsoft.IdentityModel.Tokens;

namespace Booking.ServiceDefaults;

/// <summary>
/// A token handler that remembers the tokens another handler found valid until they expire, so that later requests
/// with the same token are not validated again. In a sale's herd every buyer tries again, and polls, with one token;
/// validating it (decoding, the signature, building the claims) was a sixth of the ingress's CPU on the gate path
/// (BENCHMARKS.md). A token's result is kept from its second validation on: most tokens of a many-sales burst come
/// once, and keeping every one cost more in collections than it saved.
/// </summary>
/// <remarks>
/// <para>
/// A caller gets what validation would answer: valid or not, and the same claims and lifetime. Only valid results are
/// kept, keyed by the whole token (signature included), and served only until the token's <c>exp</c> plus the clock
/// skew, by the clock validation uses. The parsed token itself is not kept: a served result's
/// <see cref="TokenValidationResult.SecurityToken"/> carries only the lifetime, which is all the bearer handler reads.
/// The validation parameters must stay the same for the handler's life; here they come from the <c>Auth</c> section
/// once, at startup.
/// </para>
/// <para>
/// The memory is bounded: two generations of up to <c>capacity</c> tokens each, about 1.3 KB a token kept. When the
/// newer one is full it becomes the older one, and the older one is dropped. A token found in the older one moves to
/// the newer one.
/// </para>
/// <para>
/// The requests that carry one token share its <see cref="System.Security.Claims.ClaimsIdentity"/>, so nothing may
/// change a request's identity.
/// </para>
/// </remarks>
public sealed class ValidatedTokenCache(TokenHandler inner, int capacity) : TokenHandler
{
    /// <summary>What a token seen once is remembered with: it is kept at its second validation.</summary>
    private static readonly TokenValidationResult SeenOnce = new();

    private readonly Lock _rotation = new();
    private volatile Generation _newer = new();
    private volatile Generation _older = new();

    /// <summary>The tokens kept now, in both generations (some may have expired since).</summary>
    public int Count => _newer.Count + _older.Count;

    public override async Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
    {
        var kept = Find(token);
        if (kept is not null && kept != SeenOnce && DateTime.UtcNow <= kept.SecurityToken.ValidTo + validationParameters.ClockSkew)
        {
            return kept;
        }

        var result = await inner.ValidateTokenAsync(token, validationParameters);
        if (result.IsValid && result.SecurityToken is not null)
        {
            Remember(token, kept is null ? SeenOnce : Compact(result));
        }

        return result;
    }

    /// <summary>
    /// What is kept of a valid result: its claims in an identity of their own, and the token's lifetime. The identity
    /// validation builds holds the parsed token (about 4 KB kept a token, against about 1.3 KB this way).
    /// </summary>
    private static TokenValidationResult Compact(TokenValidationResult result)
    {
        var identity = result.ClaimsIdentity;
        return new TokenValidationResult
        {
            IsValid = true,
            ClaimsIdentity = new CaseSensitiveClaimsIdentity(identity.Claims, identity.AuthenticationType, identity.NameClaimType, identity.RoleClaimType),
            SecurityToken = new Lifetime(result.SecurityToken.ValidFrom, result.SecurityToken.ValidTo),
        };
    }

    /// <summary>What is kept for <paramref name="token"/>: a result, <see cref="SeenOnce"/>, or nothing.</summary>
    private TokenValidationResult? Find(string token)
    {
        if (_newer.Results.TryGetValue(token, out var result))
        {
            return result;
        }

        if (_older.Results.TryGetValue(token, out result))
        {
            Remember(token, result);
            return result;
        }

        return null;
    }

    private void Remember(string token, TokenValidationResult result)
    {
        var newer = _newer;
        if (newer.Count >= capacity)
        {
            lock (_rotation)
            {
                if (_newer == newer)
                {
                    _older = newer;
                    _newer = new Generation();
                }
            }

            newer = _newer;
        }

        newer.Add(token, result);
    }

    /// <summary>The lifetime of a kept token: all the bearer handler reads of the validated token.</summary>
    private sealed class Lifetime(DateTime validFrom, DateTime validTo) : SecurityToken
    {
        public override string Id => "";

        public override string Issuer => "";

        public override SecurityKey? SecurityKey => null;

        public override SecurityKey? SigningKey { get; set; }

        public override DateTime ValidFrom => validFrom;

        public override DateTime ValidTo => validTo;

        public override string UnsafeToString() => "";
    }

    private sealed class Generation
    {
        private int _count;

        public ConcurrentDictionary<string, TokenValidationResult> Results { get; } = new(StringComparer.Ordinal);

        public int Count => Volatile.Read(ref _count);

        public void Add(string token, TokenValidationResult result)
        {
            if (Results.TryAdd(token, result))
            {
                Interlocked.Increment(ref _count);
            }
            else
            {
                Results[token] = result;
            }
        }
    }
}

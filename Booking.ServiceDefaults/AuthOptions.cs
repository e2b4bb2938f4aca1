using System.ComponentModel.DataAnnotations;

namespace Booking.ServiceDefaults;

/// <summary>The <c>Auth</c> section: how bearer tokens are checked (HMAC-SHA256 JWTs).</summary>
public sealed class AuthOptions
{
    public const string Section = "Auth";

    /// <summary>The shared signing key, at least 32 characters. Set it per deployment.</summary>
    [Required]
    [MinLength(32)]
    public string SigningKey { get; set; } = "";

    [Required]
    public string Issuer { get; set; } = "booking";

    [Required]
    public string Audience { get; set; } = "booking";

    /// <summary>Whether <c>POST /dev/tokens</c> mints tokens. Never on in production configuration.</summary>
    public bool DevTokens { get; set; }

    /// <summary>How long a minted development token lives.</summary>
    [Range(1, 1440)]
    public int DevTokenMinutes { get; set; } = 120;
}

using System.ComponentModel.DataAnnotations;

namespace Booking.Core.Callbacks;

/// <summary>
/// The <c>Callbacks</c> section: how the worker signs and delivers booking changes to a booking's <c>callbackUrl</c>,
/// and which hosts it may call.
/// </summary>
public sealed class CallbackOptions
{
    public const string Section = "Callbacks";

    /// <summary>The prefix of Standard Webhooks secrets: <c>whsec_</c> followed by the base64 of the key.</summary>
    public const string SecretPrefix = "whsec_";

    /// <summary>
    /// The Standard Webhooks signing secret, <c>whsec_&lt;base64 of 24 to 64 random bytes&gt;</c> (the prefix may be
    /// left out). Empty turns callbacks off on this worker: nothing unsigned is ever sent.
    /// </summary>
    public string SigningSecret { get; set; } = "";

    /// <summary>
    /// The hosts callbacks may go to: exact names or IP addresses (<c>hooks.example.com</c>, <c>10.1.2.3</c>),
    /// subdomain patterns (<c>*.example.com</c>, which does not match <c>example.com</c> itself), or <c>*</c> for any
    /// host. Empty allows none. A host that resolves to a loopback, private, link-local or other non-public address
    /// is refused unless it is listed by name or pattern; <c>*</c> alone never allows one.
    /// </summary>
    public string[] AllowedHosts { get; set; } = [];

    /// <summary>The wait before the second attempt; each further wait doubles, up to <see cref="MaxDelaySeconds"/>.</summary>
    [Range(0.01, 3600)]
    public double InitialDelaySeconds { get; set; } = 1;

    /// <summary>The longest wait between two attempts.</summary>
    [Range(0.01, 3600)]
    public double MaxDelaySeconds { get; set; } = 60;

    /// <summary>
    /// How long after the first attempt a change is still retried; then it is given up. It must stay below the
    /// broker's delivery acknowledgement timeout (RabbitMQ <c>consumer_timeout</c>, 30 minutes by default), because
    /// the message stays unacknowledged while its callback is retried.
    /// </summary>
    [Range(0, 1500)]
    public double MaxTotalSeconds { get; set; } = 900;

    /// <summary>How long one attempt may take (connect, send, response headers) before it counts as failed.</summary>
    [Range(0.1, 300)]
    public double AttemptTimeoutSeconds { get; set; } = 10;

    /// <summary>
    /// How many changes one worker delivers at once, waits between retries included. A failing receiver holds one of
    /// these while it is retried; booking processing never waits for any of them.
    /// </summary>
    [Range(1, 10000)]
    public int ConcurrencyLimit { get; set; } = 64;

    /// <summary>Whether this worker sends callbacks: only with a signing secret.</summary>
    public bool Enabled => !string.IsNullOrWhiteSpace(SigningSecret);

    /// <summary>The HMAC key: the base64-decoded <see cref="SigningSecret"/> without its <c>whsec_</c> prefix.</summary>
    /// <exception cref="FormatException">The secret is not base64.</exception>
    public byte[] SigningKey()
    {
        var secret = SigningSecret.Trim();
        return Convert.FromBase64String(secret.StartsWith(SecretPrefix, StringComparison.Ordinal) ? secret[SecretPrefix.Length..] : secret);
    }
}

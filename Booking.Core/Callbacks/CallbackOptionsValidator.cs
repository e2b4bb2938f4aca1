using Microsoft.Extensions.Options;

namespace Booking.Core.Callbacks;

/// <summary>Checks what data annotations cannot: the secret's format, the host patterns and the delay order.</summary>
internal sealed class CallbackOptionsValidator : IValidateOptions<CallbackOptions>
{
    public ValidateOptionsResult Validate(string? name, CallbackOptions options)
    {
        var failures = new List<string>();
        if (options.Enabled)
        {
            try
            {
                if (options.SigningKey().Length is < 24 or > 64)
                {
                    failures.Add("Callbacks:SigningSecret must hold 24 to 64 bytes (whsec_ followed by their base64).");
                }
            }
            catch (FormatException)
            {
                failures.Add("Callbacks:SigningSecret must be whsec_ followed by base64 (Standard Webhooks).");
            }
        }

        foreach (var pattern in options.AllowedHosts)
        {
            if (!HostPattern.IsValid(pattern))
            {
                failures.Add($"Callbacks:AllowedHosts has '{pattern}'; use a host name, an IP address, *.domain or *.");
            }
        }

        if (options.MaxDelaySeconds < options.InitialDelaySeconds)
        {
            failures.Add("Callbacks:MaxDelaySeconds must not be below Callbacks:InitialDelaySeconds.");
        }

        return failures.Count > 0 ? ValidateOptionsResult.Fail(failures) : ValidateOptionsResult.Success;
    }
}

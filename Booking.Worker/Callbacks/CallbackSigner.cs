using System.Security.Cryptography;
using System.Text;
using Booking.Core.Callbacks;
using Microsoft.Extensions.Options;

namespace Booking.Worker.Callbacks;

/// <summary>
/// Signs callbacks the Standard Webhooks way: <c>v1,</c> followed by the base64 HMAC-SHA256, keyed with the decoded
/// <see cref="CallbackOptions.SigningSecret"/>, of <c>{webhook-id}.{webhook-timestamp}.{body}</c>.
/// </summary>
public sealed class CallbackSigner(IOptions<CallbackOptions> options)
{
    private readonly byte[] _key = options.Value.Enabled ? options.Value.SigningKey() : [];

    /// <summary>The <c>webhook-signature</c> header of a request with these id, timestamp and body.</summary>
    public string Sign(string webhookId, long timestamp, ReadOnlySpan<byte> body)
    {
        if (_key.Length == 0)
        {
            throw new InvalidOperationException("Callbacks:SigningSecret is not set; nothing is sent unsigned.");
        }

        var prefix = Encoding.UTF8.GetBytes($"{webhookId}.{timestamp}.");
        var content = new byte[prefix.Length + body.Length];
        prefix.CopyTo(content, 0);
        body.CopyTo(content.AsSpan(prefix.Length));
        return "v1," + Convert.ToBase64String(HMACSHA256.HashData(_key, content));
    }
}

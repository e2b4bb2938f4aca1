using System.Net.Http.Headers;
using Booking.Core.Callbacks;
using Microsoft.Extensions.Options;

namespace Booking.Worker.Callbacks;

/// <summary>
/// Sends one signed callback attempt. Its handler connects through <see cref="CallbackConnector"/>, follows no
/// redirect and uses no proxy, so the request goes only to an address that was checked.
/// </summary>
public sealed class CallbackClient(HttpClient http, CallbackSigner signer, IOptions<CallbackOptions> options, TimeProvider clock)
{
    public async Task<CallbackAttempt> SendAsync(Uri url, string webhookId, byte[] body, CancellationToken cancellationToken)
    {
        var timestamp = clock.GetUtcNow().ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.Add("webhook-id", webhookId);
        request.Headers.Add("webhook-timestamp", timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add("webhook-signature", signer.Sign(webhookId, timestamp, body));

        var timeout = TimeSpan.FromSeconds(options.Value.AttemptTimeoutSeconds);
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        attempt.CancelAfter(timeout);
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, attempt.Token);
            var status = (int)response.StatusCode;
            return response.IsSuccessStatusCode
                ? new CallbackAttempt(status, null)
                : new CallbackAttempt(status, $"HTTP {status} {response.ReasonPhrase}".TrimEnd());
        }
        catch (HttpRequestException ex) when (RefusalIn(ex) is { } refused)
        {
            return CallbackAttempt.Refusal(refused.Message);
        }
        catch (HttpRequestException ex)
        {
            return new CallbackAttempt(null, ex.InnerException is { } inner ? $"{ex.Message} ({inner.Message})" : ex.Message);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new CallbackAttempt(null, $"no answer within {timeout.TotalSeconds:0.###} s");
        }
    }

    private static CallbackRefusedException? RefusalIn(Exception? exception)
    {
        for (; exception is not null; exception = exception.InnerException)
        {
            if (exception is CallbackRefusedException refused)
            {
                return refused;
            }
        }

        return null;
    }
}

using System.Net.Http.Headers;
using System.Net.Http.Json;

namespace Booking.Testing;

/// <summary>Gets development tokens the way a client would: <c>POST /dev/tokens</c>.</summary>
public static class TestTokens
{
    public const string SigningKey = "test-signing-key-0123456789-0123456789-abcdef";

    public static async Task<string> MintAsync(HttpClient client, string subject, params string[] roles)
    {
        var response = await client.PostAsJsonAsync("/dev/tokens", new { subject, roles });
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<TokenBody>();
        return body!.AccessToken;
    }

    public static async Task AuthorizeAsync(HttpClient client, string subject, params string[] roles) =>
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await MintAsync(client, subject, roles));

    private sealed record TokenBody(string AccessToken);
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Booking.Ingress.Tests.Shedding;

/// <summary>What every load-shedding refusal of the ingress must look like.</summary>
internal static class Refusals
{
    /// <summary>Asserts a 503 problem with <c>Retry-After: 1</c> whose detail says <paramref name="why"/>.</summary>
    public static async Task AssertBusyAsync(HttpResponseMessage refused, string why)
    {
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(1), refused.Headers.RetryAfter?.Delta);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(503, problem.GetProperty("status").GetInt32());
        Assert.Contains(why, problem.GetProperty("detail").GetString());
    }
}

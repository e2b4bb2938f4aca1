using System.Net;
using Booking.Realtime.Hubs;

namespace Booking.Realtime.Tests.Hubs;

[Collection(RealtimeCollection.Name)]
public sealed class BookingHubCorsTests(RealtimeSystemFixture fixture)
{
    private const string PageOrigin = "https://tickets.example.com";

    [Fact]
    public async Task Should_answer_a_browser_preflight_when_the_page_origin_is_allowed()
    {
        await using var instance = await fixture.StartRealtimeAsync(new Dictionary<string, string?> { ["Realtime:AllowedOrigins:0"] = PageOrigin });
        using var http = instance.CreateClient();

        var preflight = await http.SendAsync(Preflight(PageOrigin));

        Assert.Equal(HttpStatusCode.NoContent, preflight.StatusCode);
        Assert.Equal(PageOrigin, preflight.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Equal("true", preflight.Headers.GetValues("Access-Control-Allow-Credentials").Single());
    }

    [Fact]
    public async Task Should_not_allow_the_origin_when_it_is_not_configured()
    {
        using var http = fixture.Realtime.CreateClient();

        var preflight = await http.SendAsync(Preflight("https://elsewhere.example.org"));

        Assert.False(preflight.Headers.Contains("Access-Control-Allow-Origin"));
    }

    private static HttpRequestMessage Preflight(string origin)
    {
        var request = new HttpRequestMessage(HttpMethod.Options, $"{BookingHub.Path}/negotiate?negotiateVersion=1");
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("Access-Control-Request-Headers", "authorization,x-requested-with,x-signalr-user-agent");
        return request;
    }
}

using System.Net;
using System.Security.Claims;
using System.Text;
using Booking.Realtime.Hubs;
using Booking.Testing;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Booking.Realtime.Tests.Hubs;

[Collection(RealtimeCollection.Name)]
public sealed class BookingHubAuthenticationTests(RealtimeSystemFixture fixture)
{
    [Fact]
    public async Task Should_refuse_the_connection_with_401_when_no_token_is_sent()
    {
        await using var connection = HubClient.Build(fixture.Realtime, token: null);

        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => connection.StartAsync());

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        using var http = fixture.Realtime.CreateClient();
        var negotiate = await http.PostAsync($"{BookingHub.Path}/negotiate?negotiateVersion=1", null);
        Assert.Equal(HttpStatusCode.Unauthorized, negotiate.StatusCode);
    }

    [Fact]
    public async Task Should_refuse_the_connection_with_401_when_the_token_is_signed_with_another_key()
    {
        var forged = Token("mallory", "another-key-0123456789-0123456789-0123456789", TimeSpan.FromMinutes(5));
        await using var connection = HubClient.Build(fixture.Realtime, forged);

        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => connection.StartAsync());

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    [Fact]
    public async Task Should_close_the_connection_once_its_token_expires()
    {
        var token = Token($"carol-{Guid.NewGuid():N}", TestTokens.SigningKey, TimeSpan.FromSeconds(3));
        // Server-sent events: a stream that the client never has to renew, as a WebSocket. (A long poll asks again and
        // is refused once the token has expired, with or without the hub's own check.)
        await using var connection = HubClient.Build(fixture.Realtime, token, HttpTransportType.ServerSentEvents);
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.Closed += _ =>
        {
            closed.TrySetResult();
            return Task.CompletedTask;
        };
        await connection.StartAsync();

        Assert.Same(closed.Task, await Task.WhenAny(closed.Task, Task.Delay(TimeSpan.FromSeconds(20))));
    }

    /// <summary>A token as the services issue them, signed with <paramref name="signingKey"/>, valid for <paramref name="lifetime"/>.</summary>
    private static string Token(string subject, string signingKey, TimeSpan lifetime) =>
        new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Subject = new ClaimsIdentity([new Claim("sub", subject)]),
            Issuer = "booking",
            Audience = "booking",
            Expires = DateTime.UtcNow.Add(lifetime),
            SigningCredentials = new SigningCredentials(
                new SymmetricSecurityKey(Encoding.UTF8.GetBytes(signingKey)), SecurityAlgorithms.HmacSha256),
        });
}

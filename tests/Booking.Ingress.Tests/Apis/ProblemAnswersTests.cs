using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Booking.Testing;

namespace Booking.Ingress.Tests.Apis;

/// <summary>
/// The problem answers the framework writes itself (a body it cannot read, no token, a wrong method or content type)
/// say what was wrong in their <c>detail</c>, as the API's own answers do.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class ProblemAnswersTests(BookingSystemFixture system)
{
    [Theory]
    [InlineData("alice", "POST", "holds", """{"seats":["A1",""", "application/json", HttpStatusCode.BadRequest, "not valid JSON")]
    [InlineData("alice", "POST", "holds", """{"seats":"A1"}""", "application/json", HttpStatusCode.BadRequest, "at $.seats")]
    [InlineData("alice", "POST", "holds", "", "application/json", HttpStatusCode.BadRequest, "missing")]
    [InlineData("alice", "POST", "holds", """{"seats":["A1"]}""", "text/plain", HttpStatusCode.UnsupportedMediaType, "application/json")]
    [InlineData(null, "POST", "holds", """{"seats":["A1"]}""", "application/json", HttpStatusCode.Unauthorized, "bearer token")]
    [InlineData("alice", "PUT", "holds", """{"seats":["A1"]}""", "application/json", HttpStatusCode.MethodNotAllowed, "does not take PUT")]
    [InlineData("alice", "GET", "not-an-address", null, null, HttpStatusCode.NotFound, "Nothing is found")]
    public async Task Should_say_what_was_wrong_in_the_detail_of_an_answer_the_framework_writes(
        string? subject, string method, string path, string? body, string? contentType, HttpStatusCode status, string detail)
    {
        using var admin = await system.ClientAsync("admin", "admin");
        var showtimeId = await admin.CreateShowtimeIdAsync(null, ("A", 3));
        using var caller = subject is null ? null : await system.ClientAsync(subject);
        using var anonymous = system.Ingress.CreateClient();
        using var request = new HttpRequestMessage(new HttpMethod(method), $"/api/showtimes/{showtimeId}/{path}");
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, contentType!);
        }

        var response = await (caller?.Http ?? anonymous).SendAsync(request);

        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains(detail, problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Should_say_what_was_wrong_when_a_customer_asks_for_what_only_an_admin_may_do()
    {
        using var alice = await system.ClientAsync("alice");

        var response = await alice.Http.PostAsJsonAsync("/api/showtimes", new { movie = "M", startsAt = DateTimeOffset.UtcNow.AddDays(1) });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("does not allow", problem.GetProperty("detail").GetString());
    }
}

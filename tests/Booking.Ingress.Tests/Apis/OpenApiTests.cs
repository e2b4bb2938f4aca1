using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Booking.Testing;

namespace Booking.Ingress.Tests.Apis;

/// <summary>
/// The OpenAPI document describes the API of DESIGN.md: every route, the answers each one can give, and examples
/// (DESIGN: "examples included"), the documented problem answers as the API really gives them, but for the trace id.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class OpenApiTests(BookingSystemFixture system)
{
    [Fact]
    public async Task Should_describe_every_route_of_the_api()
    {
        var paths = (await DocumentAsync()).GetProperty("paths");

        string[] expected =
        [
            "post /api/showtimes", "get /api/showtimes", "get /api/showtimes/{id}", "get /api/showtimes/{id}/seats",
            "post /api/showtimes/{id}/holds", "get /api/bookings/{id}", "post /api/bookings/{id}/confirm", "delete /api/bookings/{id}",
        ];
        var described = paths.EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Select(operation => $"{operation.Name} {path.Name}"))
            .ToHashSet();
        Assert.All(expected, route => Assert.Contains(route, described));
    }

    [Fact]
    public async Task Should_give_the_hold_request_its_answers_and_examples()
    {
        var document = await DocumentAsync();
        var hold = document.GetProperty("paths").GetProperty("/api/showtimes/{id}/holds").GetProperty("post");
        var schemas = document.GetProperty("components").GetProperty("schemas");

        Assert.Equal(
            ["202", "400", "401", "404", "409", "422", "429", "503"],
            hold.GetProperty("responses").EnumerateObject().Select(r => r.Name).Order());
        var request = schemas.GetProperty("HoldRequest");
        Assert.Equal(["seats"], request.GetProperty("required").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(["seats", "callbackUrl"], request.GetProperty("properties").EnumerateObject().Select(p => p.Name));
        Assert.Equal("A1", request.GetProperty("examples")[0].GetProperty("seats")[0].GetString());
        Assert.Equal("pending", schemas.GetProperty("HoldAcceptedResponse").GetProperty("examples")[0].GetProperty("status").GetString());
        Assert.Equal("held", schemas.GetProperty("BookingView").GetProperty("examples")[0].GetProperty("status").GetString());
        Assert.DoesNotContain(
            "holdSeconds", schemas.GetProperty("CreateShowtimeRequest").GetProperty("required").EnumerateArray().Select(r => r.GetString()));
    }

    [Fact]
    public async Task Should_describe_startsAt_as_a_date_and_time()
    {
        var schemas = (await DocumentAsync()).GetProperty("components").GetProperty("schemas");

        var startsAt = schemas.GetProperty("CreateShowtimeRequest").GetProperty("properties").GetProperty("startsAt");

        Assert.Equal("date-time", startsAt.GetProperty("format").GetString());
    }

    [Fact]
    public async Task Should_document_the_seats_taken_answer_as_the_api_gives_it()
    {
        using var admin = await system.ClientAsync("admin", "admin");
        using var alice = await system.ClientAsync("alice-openapi");
        var showtimeId = await admin.CreateShowtimeIdAsync(null, ("A", 2));
        await alice.HoldAcceptedAsync(showtimeId, "A2");
        using var conflict = await alice.HoldAsync(showtimeId, "A2");
        Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
        var answer = JsonNode.Parse(await conflict.Content.ReadAsStringAsync())!.AsObject();
        answer.Remove("traceId");

        var example = (await DocumentAsync()).GetProperty("paths").GetProperty("/api/showtimes/{id}/holds").GetProperty("post")
            .GetProperty("responses").GetProperty("409").GetProperty("content").GetProperty("application/problem+json").GetProperty("example");

        Assert.True(JsonNode.DeepEquals(answer, JsonNode.Parse(example.GetRawText())), $"{answer.ToJsonString()} against {example}");
    }

    [Fact]
    public async Task Should_say_which_operations_need_a_bearer_token_and_which_a_role()
    {
        var document = await DocumentAsync();
        var scheme = document.GetProperty("components").GetProperty("securitySchemes").GetProperty("Bearer");
        var paths = document.GetProperty("paths");
        JsonElement Operation(string path, string method) => paths.GetProperty(path).GetProperty(method);
        static bool NeedsBearer(JsonElement operation) =>
            operation.TryGetProperty("security", out var security) && security.EnumerateArray().Any(r => r.TryGetProperty("Bearer", out _));
        static bool Answers(JsonElement operation, string status) => operation.GetProperty("responses").TryGetProperty(status, out _);

        Assert.Equal(("http", "bearer", "JWT"), (scheme.GetProperty("type").GetString(), scheme.GetProperty("scheme").GetString(), scheme.GetProperty("bearerFormat").GetString()));
        var createShowtime = Operation("/api/showtimes", "post");
        var hold = Operation("/api/showtimes/{id}/holds", "post");
        var listShowtimes = Operation("/api/showtimes", "get");
        Assert.Equal((true, true, true), (NeedsBearer(createShowtime), Answers(createShowtime, "401"), Answers(createShowtime, "403")));
        Assert.Equal((true, true, false), (NeedsBearer(hold), Answers(hold, "401"), Answers(hold, "403")));
        Assert.Equal((false, false), (NeedsBearer(listShowtimes), Answers(listShowtimes, "401")));
    }

    private async Task<JsonElement> DocumentAsync()
    {
        using var http = system.CreateAnonymousClient();
        return JsonDocument.Parse(await http.GetStringAsync("/openapi/v1.json")).RootElement;
    }
}

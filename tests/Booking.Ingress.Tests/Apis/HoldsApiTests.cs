using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Booking.Core.Data;
using Booking.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace Booking.Ingress.Tests.Apis;

[Collection(SystemCollection.Name)]
public sealed class HoldsApiTests(BookingSystemFixture system)
{
    [Theory]
    [InlineData("""{"seats":["A1","Z9"]}""", "seats")]
    [InlineData("""{"seats":["A1","a1"]}""", "seats")]
    [InlineData("""{"seats":[]}""", "seats")]
    [InlineData("""{}""", "seats")]
    [InlineData("""{"seats":["A1","A2","A3","A4","A5","A6","A7","A8","A9","A10","A11"]}""", "seats")]
    [InlineData("""{"seats":["A1"],"callbackUrl":"not a url"}""", "callbackUrl")]
    [InlineData("""{"seats":["A1"],"callbackUrl":"https://not-allowed.example/hook"}""", "callbackUrl")]
    [InlineData("""{"seats":["A1"],"callbackUrl":"http://xn--zz-é.com/hook"}""", "callbackUrl")]
    public async Task Should_answer_400_and_enqueue_nothing_when_the_request_is_invalid(string json, string field)
    {
        using var admin = await system.ClientAsync("admin", "admin");
        using var alice = await system.ClientAsync("alice");
        var showtimeId = await admin.CreateShowtimeIdAsync(null, ("A", 12));

        var response = await alice.Http.PostAsync($"/api/showtimes/{showtimeId}/holds", Json(json));

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"errors should name {field}: {problem}");
        await AssertNothingEnqueuedAsync(showtimeId);
    }

    [Fact]
    public async Task Should_answer_400_without_naming_back_a_seat_id_longer_than_any_showtime_has()
    {
        using var admin = await system.ClientAsync("admin", "admin");
        using var alice = await system.ClientAsync("alice");
        var showtimeId = await admin.CreateShowtimeIdAsync(null, ("A", 3));

        var response = await alice.Http.PostAsJsonAsync($"/api/showtimes/{showtimeId}/holds", new { seats = new[] { "A1", new string('B', 10_000) } });

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains("at most 6 characters", problem.GetProperty("errors").GetProperty("seats")[0].GetString());
        Assert.True(problem.ToString().Length < 1_000, $"the answer should stay small: {problem.ToString().Length} characters");
        await AssertNothingEnqueuedAsync(showtimeId);
    }

    [Fact]
    public async Task Should_answer_400_and_enqueue_nothing_when_the_json_is_malformed()
    {
        using var admin = await system.ClientAsync("admin", "admin");
        using var alice = await system.ClientAsync("alice");
        var showtimeId = await admin.CreateShowtimeIdAsync(null, ("A", 3));

        var response = await alice.Http.PostAsync($"/api/showtimes/{showtimeId}/holds", Json("""{"seats":["A1",""" ));

        await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        await AssertNothingEnqueuedAsync(showtimeId);
    }

    [Fact]
    public async Task Should_answer_401_and_enqueue_nothing_when_the_token_is_missing()
    {
        using var admin = await system.ClientAsync("admin", "admin");
        var showtimeId = await admin.CreateShowtimeIdAsync(null, ("A", 3));
        using var anonymous = system.Ingress.CreateClient();

        var response = await anonymous.PostAsync($"/api/showtimes/{showtimeId}/holds", Json("""{"seats":["A1"]}"""));

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized);
        await AssertNothingEnqueuedAsync(showtimeId);
    }

    [Fact]
    public async Task Should_answer_401_when_the_token_is_forged()
    {
        using var admin = await system.ClientAsync("admin", "admin");
        var showtimeId = await admin.CreateShowtimeIdAsync(null, ("A", 3));
        using var forger = system.Ingress.CreateClient();
        var token = await TestTokens.MintAsync(forger, "mallory");
        forger.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token[..^4] + "AAAA");

        var response = await forger.PostAsync($"/api/showtimes/{showtimeId}/holds", Json("""{"seats":["A1"]}"""));

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Should_refuse_holds_once_the_showtime_has_started_but_name_and_confirm_a_booking_held_before()
    {
        using var admin = await system.ClientAsync("admin", "admin");
        using var alice = await system.ClientAsync("alice-before-the-start");
        using var bob = await system.ClientAsync("bob-after-the-start");
        var startsAt = DateTimeOffset.UtcNow.AddSeconds(4);
        var created = await admin.Http.PostAsJsonAsync("/api/showtimes", new
        {
            movie = "Starting soon", auditorium = "Hall 1", startsAt, rows = new[] { new { row = "A", seats = 3 } },
        });
        var showtimeId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var key = Guid.NewGuid().ToString();
        var before = await BookingClient.AcceptedBookingIdAsync(await alice.HoldWithKeyAsync(showtimeId, key, "A1"));
        Assert.Equal("held", await alice.WaitForStatusAsync(before));

        var untilStart = startsAt - DateTimeOffset.UtcNow;
        await Task.Delay(untilStart > TimeSpan.Zero ? untilStart + TimeSpan.FromMilliseconds(100) : TimeSpan.Zero);
        var after = await bob.HoldAsync(showtimeId, "A2");
        var keyedRetry = await alice.HoldWithKeyAsync(showtimeId, key, "A1");

        var problem = await AssertProblemAsync(after, HttpStatusCode.Conflict);
        Assert.Equal("Sale closed", problem.GetProperty("title").GetString());
        Assert.Equal(startsAt.ToUnixTimeMilliseconds(), problem.GetProperty("startsAt").GetDateTimeOffset().ToUnixTimeMilliseconds());
        Assert.False(problem.TryGetProperty("conflictingSeats", out _));
        Assert.False(await system.Redis.KeyExistsAsync($"seat:{{{showtimeId:N}}}:A2"), "a refused hold left a gate key");
        Assert.Equal(before, await BookingClient.AcceptedBookingIdAsync(keyedRetry));
        Assert.Equal(HttpStatusCode.Accepted, (await alice.ConfirmAsync(before)).StatusCode);
        Assert.Equal("confirmed", (await alice.WaitForBookingAsync(before, null, "pending", "held")).GetProperty("status").GetString());
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("title").GetString()));
        return problem;
    }

    /// <summary>
    /// The worker writes a booking row for every command it receives, even a refused one; with the queue drained,
    /// no row and no gate key means nothing was sent.
    /// </summary>
    private async Task AssertNothingEnqueuedAsync(Guid showtimeId)
    {
        using var probe = await system.ClientAsync("probe");
        var probeId = await probe.HoldAcceptedAsync(showtimeId, "A3");
        await probe.WaitForStatusAsync(probeId);

        await using var scope = system.Worker.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BookingDbContext>();
        Assert.Equal([probeId], await db.Bookings.Where(b => b.ShowtimeId == showtimeId).Select(b => b.Id).ToListAsync());
        foreach (var seat in new[] { "A1", "A2" })
        {
            Assert.False(await system.Redis.KeyExistsAsync($"seat:{{{showtimeId:N}}}:{seat}"), $"gate key for {seat} exists");
        }
    }
}

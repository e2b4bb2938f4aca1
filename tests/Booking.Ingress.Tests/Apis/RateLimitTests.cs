using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Net.Http.Json;
using Booking.Testing;

namespace Booking.Ingress.Tests.Apis;

[Collection(SystemCollection.Name)]
public sealed class RateLimitTests(BookingSystemFixture system)
{
    [Fact]
    public async Task Should_answer_429_with_retry_after_when_one_customer_sends_more_than_the_burst()
    {
        using var admin = await system.ClientAsync("admin", "admin");
        using var greedy = await system.ClientAsync($"greedy-{Guid.NewGuid():N}");
        var showtimeId = await admin.CreateShowtimeIdAsync(null, ("A", 60));

        var watch = Stopwatch.StartNew();
        var responses = await Task.WhenAll(Enumerable.Range(1, 60).Select(n => greedy.HoldAsync(showtimeId, $"A{n}")));
        watch.Stop();

        var limited = responses.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        Assert.NotEmpty(limited);
        // The burst (30) passes at once, then 10 a second.
        var allowed = 30 + (10 * (int)Math.Ceiling(watch.Elapsed.TotalSeconds));
        Assert.InRange(responses.Count(r => r.StatusCode == HttpStatusCode.Accepted), 1, allowed);
        foreach (var response in limited)
        {
            Assert.NotNull(response.Headers.RetryAfter);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(429, problem.GetProperty("status").GetInt32());
            Assert.Equal("https://tools.ietf.org/html/rfc6585#section-4", problem.GetProperty("type").GetString());
        }
    }

    [Fact]
    public async Task Should_let_a_limited_customer_in_again_once_tokens_are_replenished()
    {
        using var admin = await system.ClientAsync("admin", "admin");
        using var greedy = await system.ClientAsync($"greedy-{Guid.NewGuid():N}");
        var showtimeId = await admin.CreateShowtimeIdAsync(null, ("A", 60));
        var burst = await Task.WhenAll(Enumerable.Range(1, 40).Select(n => greedy.HoldAsync(showtimeId, $"A{n}")));
        Assert.Contains(burst, r => r.StatusCode == HttpStatusCode.TooManyRequests);

        // Tokens come back at 10 a second; the next request counts them in.
        await Task.Delay(TimeSpan.FromSeconds(1.5));

        var later = await Task.WhenAll(Enumerable.Range(51, 5).Select(n => greedy.HoldAsync(showtimeId, $"A{n}")));
        Assert.All(later, r => Assert.Equal(HttpStatusCode.Accepted, r.StatusCode));
    }
}

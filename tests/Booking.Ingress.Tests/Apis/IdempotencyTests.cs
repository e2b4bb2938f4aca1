using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Booking.Core.Data;
using Booking.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Booking.Ingress.Tests.Apis;

[Collection(SystemCollection.Name)]
public sealed class IdempotencyTests(BookingSystemFixture system)
{
    [Fact]
    public async Task Should_make_separate_bookings_when_two_customers_use_the_same_key()
    {
        using var admin = await system.ClientAsync("admin", "admin");
        using var alice = await system.ClientAsync("alice");
        using var bob = await system.ClientAsync("bob");
        var showtimeId = await admin.CreateShowtimeIdAsync(null, ("A", 3));

        var alices = await HoldAsync(alice, showtimeId, "same-key", "A1");
        var bobs = await HoldAsync(bob, showtimeId, "same-key", "A2");

        Assert.NotEqual(alices.BookingId, bobs.BookingId);
        Assert.Equal("held", await bob.WaitForStatusAsync(bobs.BookingId));
    }

    [Fact]
    public async Task Should_create_one_booking_when_the_same_key_is_sent_20_times_at_once()
    {
        using var admin = await system.ClientAsync("admin", "admin");
        using var alice = await system.ClientAsync("alice");
        var showtimeId = await admin.CreateShowtimeIdAsync(null, ("A", 3));
        var key = Guid.NewGuid().ToString();

        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => HoldAsync(alice, showtimeId, key, "A1", "A2")));

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.Accepted, a.Status));
        Assert.Single(answers.Select(a => a.BookingId).Distinct());
        Assert.Equal("held", await alice.WaitForStatusAsync(answers[0].BookingId));
        await Task.Delay(300);
        Assert.Equal(1, await BookingCountAsync(showtimeId));
        await Invariants.AssertHoldAsync(system.Postgres, showtimeId, [answers[0].BookingId]);
    }

    private static async Task<(HttpStatusCode Status, Guid BookingId)> HoldAsync(BookingClient client, Guid showtimeId, string key, params string[] seats)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/showtimes/{showtimeId}/holds") { Content = JsonContent.Create(new { seats }) };
        request.Headers.Add("Idempotency-Key", key);
        var response = await client.Http.SendAsync(request);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (response.StatusCode, response.StatusCode == HttpStatusCode.Accepted ? body.GetProperty("bookingId").GetGuid() : Guid.Empty);
    }

    private async Task<int> BookingCountAsync(Guid showtimeId)
    {
        await using var scope = system.Worker.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<BookingDbContext>().Bookings.CountAsync(b => b.ShowtimeId == showtimeId);
    }
}

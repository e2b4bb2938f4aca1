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

    [Fact]
    public async Task Should_accept_one_body_and_answer_422_to_the_other_when_one_key_is_sent_with_two_bodies_at_once()
    {
        using var admin = await system.ClientAsync("admin", "admin");
        using var alice = await system.ClientAsync("alice-two-bodies"); // 20 requests: a customer of its own, under the per-customer burst
        var showtimeId = await admin.CreateShowtimeIdAsync(null, ("A", 4));
        var key = Guid.NewGuid().ToString();
        string[][] bodies = [["A1", "A2"], ["A3", "A4"]];

        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(async i =>
        {
            var seats = bodies[i % 2];
            return (Seats: seats, Answer: await HoldAsync(alice, showtimeId, key, seats));
        }));

        var accepted = answers.Where(a => a.Answer.Status == HttpStatusCode.Accepted).ToList();
        var winner = accepted[0].Seats;
        Assert.All(accepted, a => Assert.Equal(winner, a.Seats));
        Assert.All(answers.Where(a => a.Seats != winner), a => Assert.Equal(HttpStatusCode.UnprocessableEntity, a.Answer.Status));
        Assert.Equal(10, accepted.Count);
        var bookingId = Assert.Single(accepted.Select(a => a.Answer.BookingId).Distinct());
        Assert.Equal("held", await alice.WaitForStatusAsync(bookingId));
        Assert.Equal(winner, (await alice.GetBookingAsync(bookingId)).GetProperty("seats").EnumerateArray().Select(s => s.GetString()));
        await Invariants.AssertHoldAsync(system.Postgres, showtimeId, [bookingId]);
    }

    [Fact]
    public async Task Should_keep_a_key_bound_to_its_first_body_after_that_body_was_refused()
    {
        using var admin = await system.ClientAsync("admin", "admin");
        using var alice = await system.ClientAsync("alice-refused-key");
        using var bob = await system.ClientAsync("bob-refused-key");
        var showtimeId = await admin.CreateShowtimeIdAsync(null, ("A", 3));
        var bobs = await HoldAsync(bob, showtimeId, Guid.NewGuid().ToString(), "A1");
        Assert.Equal(HttpStatusCode.Accepted, bobs.Status);
        var key = Guid.NewGuid().ToString();

        var refused = await HoldAsync(alice, showtimeId, key, "A1");
        var otherBody = await HoldAsync(alice, showtimeId, key, "A2");
        var sameBody = await HoldAsync(alice, showtimeId, key, "A1");

        Assert.Equal(
            (HttpStatusCode.Conflict, HttpStatusCode.UnprocessableEntity, HttpStatusCode.Conflict),
            (refused.Status, otherBody.Status, sameBody.Status));
        Assert.Equal(HttpStatusCode.Accepted, (await HoldAsync(alice, showtimeId, Guid.NewGuid().ToString(), "A2")).Status);
    }

    [Fact]
    public async Task Should_answer_from_the_stored_booking_when_the_keys_binding_has_lapsed()
    {
        using var admin = await system.ClientAsync("admin", "admin");
        using var alice = await system.ClientAsync("alice-lapsed-key");
        var showtimeId = await admin.CreateShowtimeIdAsync(null, ("A", 3));
        var key = Guid.NewGuid().ToString();
        var first = await HoldAsync(alice, showtimeId, key, "A1");
        Assert.Equal("held", await alice.WaitForStatusAsync(first.BookingId));
        // A binding lasts a day, the booking longer.
        Assert.True(await system.Redis.KeyDeleteAsync($"booking:idempotency:{first.BookingId:N}"));

        var otherBody = await HoldAsync(alice, showtimeId, key, "A2");
        var sameBody = await HoldAsync(alice, showtimeId, key, "A1");
        var otherBodyAgain = await HoldAsync(alice, showtimeId, key, "A2");

        Assert.Equal(
            (HttpStatusCode.UnprocessableEntity, HttpStatusCode.Accepted, HttpStatusCode.UnprocessableEntity),
            (otherBody.Status, sameBody.Status, otherBodyAgain.Status));
        Assert.Equal(first.BookingId, sameBody.BookingId);
        Assert.Equal(1, await BookingCountAsync(showtimeId));
    }

    [Fact]
    public async Task Should_take_a_retry_that_names_the_same_seats_in_another_order_as_the_same_request()
    {
        using var admin = await system.ClientAsync("admin", "admin");
        using var alice = await system.ClientAsync("alice-reordered-key");
        var showtimeId = await admin.CreateShowtimeIdAsync(null, ("A", 3));
        var key = Guid.NewGuid().ToString();
        var first = await HoldAsync(alice, showtimeId, key, "A1", "A2");

        var whileBound = await HoldAsync(alice, showtimeId, key, "a2", "A1");
        Assert.Equal("held", await alice.WaitForStatusAsync(first.BookingId));
        Assert.True(await system.Redis.KeyDeleteAsync($"booking:idempotency:{first.BookingId:N}"));
        var onceStored = await HoldAsync(alice, showtimeId, key, "A2", "A1");

        Assert.Equal((HttpStatusCode.Accepted, HttpStatusCode.Accepted, HttpStatusCode.Accepted), (first.Status, whileBound.Status, onceStored.Status));
        Assert.Equal([first.BookingId, first.BookingId], [whileBound.BookingId, onceStored.BookingId]);
        Assert.Equal(1, await BookingCountAsync(showtimeId));
    }

    private static async Task<(HttpStatusCode Status, Guid BookingId)> HoldAsync(BookingClient client, Guid showtimeId, string key, params string[] seats)
    {
        var response = await client.HoldWithKeyAsync(showtimeId, key, seats);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (response.StatusCode, response.StatusCode == HttpStatusCode.Accepted ? body.GetProperty("bookingId").GetGuid() : Guid.Empty);
    }

    private async Task<int> BookingCountAsync(Guid showtimeId)
    {
        await using var scope = system.Worker.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<BookingDbContext>().Bookings.CountAsync(b => b.ShowtimeId == showtimeId);
    }
}

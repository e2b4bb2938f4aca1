using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Booking.Testing;

namespace Booking.Standalone.Tests;

/// <summary>
/// SQLite under the standalone's concurrency: the partitions' consumers write at once (one writer at a time in
/// SQLite, the others wait for the lock) while the API reads.
/// </summary>
[Collection(StandaloneCollection.Name)]
public sealed class StandaloneConcurrencyTests(StandaloneFixture standalone)
{
    private const int Showtimes = 6;
    private const int CustomersPerShowtime = 12;

    [Fact]
    public async Task Should_give_every_seat_to_one_booking_at_most_when_customers_of_many_showtimes_race()
    {
        using var admin = await standalone.ClientAsync("admin", "admin");
        var showtimeIds = new List<Guid>();
        for (var i = 0; i < Showtimes; i++)
        {
            showtimeIds.Add(await admin.CreateShowtimeIdAsync(null, ("A", 6)));
        }

        var customers = await Task.WhenAll(Enumerable.Range(0, CustomersPerShowtime).Select(i => standalone.ClientAsync($"racer-{i}")));
        var attempts = showtimeIds.SelectMany(showtimeId => customers.Select((customer, i) =>
            HoldAsync(customer, showtimeId, $"A{(i % 5) + 1}", $"A{(i % 5) + 2}")));
        var accepted = (await Task.WhenAll(attempts)).Where(a => a.BookingId is not null).ToList();

        var outcomes = await Task.WhenAll(accepted.Select(async a =>
            (a.ShowtimeId, a.Seats, Status: await a.Client.WaitForStatusAsync(a.BookingId!.Value, TimeSpan.FromSeconds(60)))));
        foreach (var showtimeId in showtimeIds)
        {
            var held = outcomes.Where(o => o.ShowtimeId == showtimeId && o.Status == "held").SelectMany(o => o.Seats).ToList();
            Assert.Equal(held.Count, held.Distinct().Count());
            var seatMap = await admin.GetSeatMapAsync(showtimeId);
            var heldInMap = seatMap.GetProperty("seats").EnumerateArray()
                .Where(s => s.GetProperty("status").GetString() == "held").Select(s => s.GetProperty("seatId").GetString()).Order();
            Assert.Equal(held.Order(), heldInMap);
            Assert.NotEmpty(held);
        }

        Assert.All(outcomes, o => Assert.Contains(o.Status, new[] { "held", "rejected" }));
        foreach (var customer in customers)
        {
            customer.Dispose();
        }
    }

    private static async Task<(BookingClient Client, Guid ShowtimeId, string[] Seats, Guid? BookingId)> HoldAsync(
        BookingClient client, Guid showtimeId, params string[] seats)
    {
        var response = await client.HoldAsync(showtimeId, seats);
        Assert.True(response.StatusCode is HttpStatusCode.Accepted or HttpStatusCode.Conflict, $"hold answered {(int)response.StatusCode}");
        Guid? bookingId = response.StatusCode == HttpStatusCode.Accepted
            ? (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("bookingId").GetGuid()
            : null;
        return (client, showtimeId, seats, bookingId);
    }
}

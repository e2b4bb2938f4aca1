using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Booking.Testing;

namespace Booking.Ingress.Tests.Apis;

[Collection(SystemCollection.Name)]
public sealed class ShowtimesApiTests(BookingSystemFixture system)
{
    [Fact]
    public async Task Should_list_seat_counts_by_status_when_seats_are_held()
    {
        using var admin = await system.ClientAsync("admin", "admin");
        using var alice = await system.ClientAsync("alice");
        var showtimeId = await admin.CreateShowtimeIdAsync(null, ("A", 4));
        await alice.WaitForStatusAsync(await alice.HoldAcceptedAsync(showtimeId, "A1", "A2"));

        var list = await alice.Http.GetFromJsonAsync<JsonElement>("/api/showtimes");
        var one = await alice.Http.GetFromJsonAsync<JsonElement>($"/api/showtimes/{showtimeId}");

        var listed = list.EnumerateArray().Single(s => s.GetProperty("id").GetGuid() == showtimeId);
        foreach (var showtime in new[] { listed, one })
        {
            var seats = showtime.GetProperty("seats");
            Assert.Equal((2, 2, 0), (seats.GetProperty("available").GetInt32(), seats.GetProperty("held").GetInt32(), seats.GetProperty("sold").GetInt32()));
        }
    }
}

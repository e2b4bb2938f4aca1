using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Booking.Testing;

namespace Booking.Ingress.Tests.Apis;

[Collection(SystemCollection.Name)]
public sealed class ShowtimesApiTests(BookingSystemFixture system)
{
    [Fact]
    public async Task Should_create_seats_named_by_row_and_number_when_an_admin_creates_a_showtime()
    {
        using var admin = await system.ClientAsync("admin", "admin");

        var showtime = await admin.CreateShowtimeAsync(120, ("A", 3), ("B", 2));

        var seatMap = await admin.GetSeatMapAsync(showtime.GetProperty("id").GetGuid());
        Assert.Equal(["A1", "A2", "A3", "B1", "B2"], seatMap.GetProperty("seats").EnumerateArray().Select(s => s.GetProperty("seatId").GetString()));
        Assert.All(seatMap.GetProperty("seats").EnumerateArray(), s => Assert.Equal("available", s.GetProperty("status").GetString()));
        Assert.Equal(120, showtime.GetProperty("holdSeconds").GetInt32());
        Assert.Equal(5, showtime.GetProperty("totalSeats").GetInt32());
    }

    [Fact]
    public async Task Should_answer_403_when_a_customer_creates_a_showtime()
    {
        using var alice = await system.ClientAsync("alice");

        var response = await alice.Http.PostAsJsonAsync("/api/showtimes", new { movie = "M", auditorium = "H", startsAt = DateTimeOffset.UtcNow, rows = new[] { new { row = "A", seats = 1 } } });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Should_answer_400_with_each_field_when_the_showtime_is_invalid()
    {
        using var admin = await system.ClientAsync("admin", "admin");

        var response = await admin.Http.PostAsJsonAsync("/api/showtimes", new { movie = "", holdSeconds = 1, rows = new[] { new { row = "A1", seats = 0 }, new { row = "B", seats = 1 }, new { row = "b", seats = 1 } } });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        foreach (var field in new[] { "movie", "auditorium", "startsAt", "holdSeconds", "rows", "rows[0].row", "rows[0].seats" })
        {
            Assert.True(errors.TryGetProperty(field, out _), $"errors should name {field}: {errors}");
        }
    }

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

    [Fact]
    public async Task Should_answer_404_problem_when_the_showtime_does_not_exist()
    {
        using var alice = await system.ClientAsync("alice");

        var response = await alice.Http.GetAsync($"/api/showtimes/{Guid.NewGuid()}/seats");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Should_tag_the_seat_map_with_its_version_when_read()
    {
        using var admin = await system.ClientAsync("admin", "admin");
        using var alice = await system.ClientAsync("alice");
        var showtimeId = await admin.CreateShowtimeIdAsync(null, ("A", 2));
        await alice.WaitForStatusAsync(await alice.HoldAcceptedAsync(showtimeId, "A1"));

        var response = await alice.Http.GetAsync($"/api/showtimes/{showtimeId}/seats");

        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(1, body.GetProperty("version").GetInt64());
        Assert.Equal("\"1\"", response.Headers.ETag?.Tag);
    }
}

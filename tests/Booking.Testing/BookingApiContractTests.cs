using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Booking.ServiceDefaults;
using Xunit;

namespace Booking.Testing;

/// <summary>
/// The public HTTP API's contract (DESIGN.md, "HTTP API"), through HTTP alone, so it holds for every host of the API:
/// a test project derives one class per host and hands it that host's <see cref="IBookingSystem"/>. Each test makes
/// its own showtime, so the tests never depend on each other.
/// </summary>
public abstract class BookingApiContractTests(IBookingSystem system)
{
    private static readonly TimeSpan OutcomeTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Should_create_the_seats_row_by_row_when_an_admin_creates_a_showtime()
    {
        using var admin = await system.ClientAsync("admin", "admin");

        var response = await admin.Http.PostAsJsonAsync("/api/showtimes", new
        {
            movie = "Contract Movie",
            auditorium = "Hall 2",
            startsAt = DateTimeOffset.UtcNow.AddDays(2),
            holdSeconds = 120,
            rows = new[] { new { row = "a", seats = 3 }, new { row = "B", seats = 2 } },
        });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var showtime = await response.Content.ReadFromJsonAsync<JsonElement>();
        var id = showtime.GetProperty("id").GetGuid();
        Assert.Equal($"/api/showtimes/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal((5, 120), (showtime.GetProperty("totalSeats").GetInt32(), showtime.GetProperty("holdSeconds").GetInt32()));
        var read = await admin.Http.GetFromJsonAsync<JsonElement>($"/api/showtimes/{id}");
        Assert.Equal("Contract Movie", read.GetProperty("movie").GetString());
        Assert.Equal(5, read.GetProperty("seats").GetProperty("available").GetInt32());
        var seatMap = await admin.GetSeatMapAsync(id);
        Assert.Equal(["A1", "A2", "A3", "B1", "B2"], SeatIds(seatMap));
        Assert.All(seatMap.GetProperty("seats").EnumerateArray(), s => Assert.Equal("available", s.GetProperty("status").GetString()));
        var list = await admin.Http.GetFromJsonAsync<JsonElement>("/api/showtimes");
        Assert.Contains(list.EnumerateArray(), s => s.GetProperty("id").GetGuid() == id);
    }

    [Fact]
    public async Task Should_answer_403_when_a_customer_creates_a_showtime()
    {
        using var alice = await system.ClientAsync("alice");

        var response = await PostShowtimeAsync(alice, DateTimeOffset.UtcNow, ("A", 1));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Should_answer_400_naming_each_field_when_a_showtime_is_invalid()
    {
        using var admin = await system.ClientAsync("admin", "admin");

        var response = await admin.Http.PostAsJsonAsync("/api/showtimes", new
        {
            movie = "", holdSeconds = 1, rows = new[] { new { row = "A1", seats = 0 } },
        });

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        foreach (var field in new[] { "movie", "auditorium", "startsAt", "holdSeconds", "rows[0].row", "rows[0].seats" })
        {
            AssertErrorsName(problem, field);
        }
    }

    [Theory]
    [InlineData("2026-12-19T20:00:00")]
    [InlineData("2026-12-19")]
    [InlineData("tomorrow")]
    public async Task Should_answer_400_naming_startsAt_when_it_names_no_offset(string startsAt)
    {
        using var admin = await system.ClientAsync("admin", "admin");

        var response = await PostShowtimeAsync(admin, startsAt, ("A", 1));

        AssertErrorsName(await AssertProblemAsync(response, HttpStatusCode.BadRequest), "startsAt");
    }

    [Theory]
    [InlineData("2026-12-19T20:00:00Z", "2026-12-19T20:00:00+00:00")]
    [InlineData("2026-12-19T20:00+01:00", "2026-12-19T19:00:00+00:00")]
    [InlineData("2026-12-19T20:00:00.5-05:00", "2026-12-20T01:00:00.5+00:00")]
    public async Task Should_store_the_instant_when_startsAt_names_its_offset(string startsAt, string stored)
    {
        using var admin = await system.ClientAsync("admin", "admin");

        var response = await PostShowtimeAsync(admin, startsAt, ("A", 1));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var read = await admin.Http.GetFromJsonAsync<JsonElement>($"/api/showtimes/{id}");
        Assert.Equal(DateTimeOffset.Parse(stored, CultureInfo.InvariantCulture), read.GetProperty("startsAt").GetDateTimeOffset());
    }

    [Theory]
    [InlineData("A\n")]
    [InlineData("ABCD")]
    [InlineData("\u00c4")]
    public async Task Should_answer_400_naming_the_row_when_its_label_is_not_1_to_3_letters(string label)
    {
        using var admin = await system.ClientAsync("admin", "admin");

        var response = await PostShowtimeAsync(admin, DateTimeOffset.UtcNow, ("A", 1), (label, 1));

        AssertErrorsName(await AssertProblemAsync(response, HttpStatusCode.BadRequest), "rows[1].row");
    }

    [Fact]
    public async Task Should_hold_the_seats_when_they_are_free()
    {
        using var admin = await system.ClientAsync("admin", "admin");
        using var alice = await system.ClientAsync("alice");
        var showtimeId = await admin.CreateShowtimeIdAsync(null, ("A", 4));

        var response = await alice.HoldAsync(showtimeId, "A2", "A3");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var accepted = await response.Content.ReadFromJsonAsync<JsonElement>();
        var bookingId = accepted.GetProperty("bookingId").GetGuid();
        Assert.Equal("pending", accepted.GetProperty("status").GetString());
        Assert.Equal($"/api/bookings/{bookingId}", accepted.GetProperty("statusUrl").GetString());
        Assert.Equal($"/api/bookings/{bookingId}", response.Headers.Location?.OriginalString);
        var booking = await alice.WaitForBookingAsync(bookingId, OutcomeTimeout);
        Assert.Equal("held", booking.GetProperty("status").GetString());
        Assert.Equal("alice", booking.GetProperty("customerId").GetString());
        Assert.Equal(showtimeId, booking.GetProperty("showtimeId").GetGuid());
        Assert.Equal(["A2", "A3"], booking.GetProperty("seats").EnumerateArray().Select(s => s.GetString()));
        Assert.True(booking.GetProperty("holdExpiresAt").GetDateTimeOffset() > DateTimeOffset.UtcNow);
        Assert.Equal(["available", "held", "held", "available"], Statuses(await alice.GetSeatMapAsync(showtimeId)));
    }

    [Fact]
    public async Task Should_tag_the_seat_map_with_a_version_that_rises_with_each_change_when_seats_are_held()
    {
        using var admin = await system.ClientAsync("admin", "admin");
        using var alice = await system.ClientAsync("alice");
        var showtimeId = await admin.CreateShowtimeIdAsync(null, ("A", 3));
        var before = await alice.Http.GetAsync($"/api/showtimes/{showtimeId}/seats");

        await alice.WaitForStatusAsync(await alice.HoldAcceptedAsync(showtimeId, "A1"), OutcomeTimeout);
        var after = await alice.Http.GetAsync($"/api/showtimes/{showtimeId}/seats");

        Assert.Equal("\"0\"", before.Headers.ETag?.Tag);
        Assert.Equal("\"1\"", after.Headers.ETag?.Tag);
        Assert.Equal(1, (await after.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("version").GetInt64());
    }

    [Fact]
    public async Task Should_answer_304_without_a_body_to_a_client_that_has_the_current_seat_map()
    {
        using var admin = await system.ClientAsync("admin", "admin");
        using var alice = await system.ClientAsync("alice");
        var showtimeId = await admin.CreateShowtimeIdAsync(null, ("A", 3));
        var seats = $"/api/showtimes/{showtimeId}/seats";
        var tag = (await alice.Http.GetAsync(seats)).Headers.ETag!;

        var unchanged = await alice.Http.SendAsync(new HttpRequestMessage(HttpMethod.Get, seats) { Headers = { IfNoneMatch = { tag } } });
        await alice.WaitForStatusAsync(await alice.HoldAcceptedAsync(showtimeId, "A1"), OutcomeTimeout);
        var changed = await alice.Http.SendAsync(new HttpRequestMessage(HttpMethod.Get, seats) { Headers = { IfNoneMatch = { tag } } });

        Assert.Equal(HttpStatusCode.NotModified, unchanged.StatusCode);
        Assert.Equal(tag, unchanged.Headers.ETag);
        Assert.Empty(await unchanged.Content.ReadAsByteArrayAsync());
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.Equal("\"1\"", changed.Headers.ETag?.Tag);
        Assert.Equal(["held", "available", "available"], Statuses(await changed.Content.ReadFromJsonAsync<JsonElement>()));
    }

    [Fact]
    public async Task Should_answer_409_with_the_conflicting_seats_when_a_seat_is_taken()
    {
        using var admin = await system.ClientAsync("admin", "admin");
        using var alice = await system.ClientAsync("alice");
        using var bob = await system.ClientAsync("bob");
        var showtimeId = await admin.CreateShowtimeIdAsync(null, ("A", 5));
        await alice.HoldAcceptedAsync(showtimeId, "A2", "A3");

        var response = await bob.HoldAsync(showtimeId, "A1", "A2");

        var problem = await AssertProblemAsync(response, HttpStatusCode.Conflict);
        Assert.Equal(["A2"], problem.GetProperty("conflictingSeats").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal("available", Statuses(await bob.GetSeatMapAsync(showtimeId))[0]);
    }

    [Theory]
    [InlineData("""{"seats":["A1","Z9"]}""")]
    [InlineData("""{"seats":["A1","a1"]}""")]
    [InlineData("""{"seats":[]}""")]
    [InlineData("""{}""")]
    [InlineData("""{"seats":["A1","A2","A3","A4","A5","A6","A7","A8","A9","A10","A11"]}""")]
    public async Task Should_answer_400_naming_the_seats_when_a_hold_asks_for_seats_it_cannot_have(string json)
    {
        using var admin = await system.ClientAsync("admin", "admin");
        using var alice = await system.ClientAsync("alice");
        var showtimeId = await admin.CreateShowtimeIdAsync(null, ("A", 12));

        var response = await alice.Http.PostAsync($"/api/showtimes/{showtimeId}/holds", Json(json));

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        AssertErrorsName(problem, "seats");
        Assert.All(Statuses(await alice.GetSeatMapAsync(showtimeId)), status => Assert.Equal("available", status));
    }

    [Fact]
    public async Task Should_answer_400_when_the_hold_is_not_json()
    {
        using var admin = await system.ClientAsync("admin", "admin");
        using var alice = await system.ClientAsync("alice");
        var showtimeId = await admin.CreateShowtimeIdAsync(null, ("A", 2));

        var response = await alice.Http.PostAsync($"/api/showtimes/{showtimeId}/holds", Json("""{"seats":["A1",""" ));

        await AssertProblemAsync(response, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Should_answer_404_when_the_showtime_does_not_exist()
    {
        using var alice = await system.ClientAsync("alice");
        var unknown = Guid.NewGuid();

        await AssertProblemAsync(await alice.Http.GetAsync($"/api/showtimes/{unknown}"), HttpStatusCode.NotFound);
        await AssertProblemAsync(await alice.Http.GetAsync($"/api/showtimes/{unknown}/seats"), HttpStatusCode.NotFound);
        await AssertProblemAsync(await alice.HoldAsync(unknown, "A1"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Should_answer_404_when_the_booking_does_not_exist()
    {
        using var alice = await system.ClientAsync("alice");

        await AssertProblemAsync(await alice.GetBookingResponseAsync(Guid.NewGuid()), HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("movie")]
    [InlineData("auditorium")]
    public async Task Should_answer_400_when_a_showtime_name_has_a_control_character(string field)
    {
        using var admin = await system.ClientAsync("admin", "admin");

        var response = await admin.Http.PostAsJsonAsync("/api/showtimes", new
        {
            movie = field == "movie" ? "Contract\u0000Movie" : "Contract Movie",
            auditorium = field == "auditorium" ? "Hall\u00002" : "Hall 2",
            startsAt = DateTimeOffset.UtcNow.AddDays(2),
            rows = new[] { new { row = "A", seats = 2 } },
        });

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        AssertErrorsName(problem, field);
    }

    [Fact]
    public async Task Should_answer_400_when_the_callback_url_is_longer_than_a_booking_stores()
    {
        using var admin = await system.ClientAsync("admin", "admin");
        using var alice = await system.ClientAsync("alice");
        var showtimeId = await admin.CreateShowtimeIdAsync(null, ("A", 2));
        var callbackUrl = "https://127.0.0.1/" + new string('a', 2048);

        var response = await alice.Http.PostAsJsonAsync($"/api/showtimes/{showtimeId}/holds", new { seats = new[] { "A1" }, callbackUrl });

        // Refused for its length before its host is looked at (the callback hosts allowed may not matter here).
        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains("at most 2048 characters", problem.GetProperty("errors").GetProperty("callbackUrl")[0].GetString());
    }

    [Theory]
    [InlineData(201, "")]
    [InlineData(1, "\u0000")]
    public async Task Should_answer_401_when_a_signed_token_names_a_subject_that_cannot_be_a_customer_id(int length, string suffix)
    {
        using var admin = await system.ClientAsync("admin", "admin");
        var showtimeId = await admin.CreateShowtimeIdAsync(null, ("A", 2));
        using var client = system.CreateAnonymousClient();
        var subject = new string('c', length) + suffix;
        var token = AuthenticationExtensions.MintToken(
            new AuthOptions { SigningKey = TestTokens.SigningKey }, subject, [], DateTimeOffset.UtcNow.AddMinutes(5));
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);

        await AssertProblemAsync(await client.PostAsync($"/api/showtimes/{showtimeId}/holds", Json("""{"seats":["A1"]}""")), HttpStatusCode.Unauthorized);
        await AssertProblemAsync(await client.GetAsync($"/api/bookings/{Guid.NewGuid()}"), HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData("""{"subject":"dana","roles":[null]}""")]
    [InlineData("""{"subject":"da\u0000na"}""")]
    [InlineData("""{"subject":""}""")]
    public async Task Should_answer_400_when_a_development_token_request_is_invalid(string json)
    {
        using var anonymous = system.CreateAnonymousClient();

        await AssertProblemAsync(await anonymous.PostAsync("/dev/tokens", Json(json)), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Should_answer_401_when_a_hold_has_no_token()
    {
        using var admin = await system.ClientAsync("admin", "admin");
        var showtimeId = await admin.CreateShowtimeIdAsync(null, ("A", 2));
        using var anonymous = system.CreateAnonymousClient();

        var response = await anonymous.PostAsync($"/api/showtimes/{showtimeId}/holds", Json("""{"seats":["A1"]}"""));

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Should_answer_404_when_another_customer_reads_confirms_or_cancels_the_booking()
    {
        using var admin = await system.ClientAsync("admin", "admin");
        using var alice = await system.ClientAsync("alice");
        using var mallory = await system.ClientAsync("mallory");
        var showtimeId = await admin.CreateShowtimeIdAsync(null, ("A", 3));
        var bookingId = await alice.HoldAcceptedAsync(showtimeId, "A1");
        Assert.Equal("held", await alice.WaitForStatusAsync(bookingId, OutcomeTimeout));

        await AssertProblemAsync(await mallory.GetBookingResponseAsync(bookingId), HttpStatusCode.NotFound);
        await AssertProblemAsync(await mallory.ConfirmAsync(bookingId), HttpStatusCode.NotFound);
        await AssertProblemAsync(await mallory.CancelAsync(bookingId), HttpStatusCode.NotFound);

        Assert.Equal("held", (await admin.GetBookingAsync(bookingId)).GetProperty("status").GetString());
        Assert.Equal("held", (await alice.GetBookingAsync(bookingId)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Should_sell_the_seats_when_the_owner_confirms_a_hold()
    {
        using var admin = await system.ClientAsync("admin", "admin");
        using var alice = await system.ClientAsync("alice");
        using var bob = await system.ClientAsync("bob");
        var showtimeId = await admin.CreateShowtimeIdAsync(null, ("A", 3));
        var bookingId = await alice.HoldAcceptedAsync(showtimeId, "A1", "A2");
        Assert.Equal("held", await alice.WaitForStatusAsync(bookingId, OutcomeTimeout));

        var response = await alice.ConfirmAsync(bookingId);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var booking = await alice.WaitForBookingAsync(bookingId, OutcomeTimeout, "held");
        Assert.Equal("confirmed", booking.GetProperty("status").GetString());
        Assert.False(booking.TryGetProperty("holdExpiresAt", out _), $"a confirmed booking has no hold: {booking}");
        Assert.Equal(["sold", "sold", "available"], Statuses(await alice.GetSeatMapAsync(showtimeId)));
        await AssertProblemAsync(await bob.HoldAsync(showtimeId, "A2"), HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Should_free_the_seats_when_the_owner_cancels_a_hold()
    {
        using var admin = await system.ClientAsync("admin", "admin");
        using var alice = await system.ClientAsync("alice");
        using var bob = await system.ClientAsync("bob");
        var showtimeId = await admin.CreateShowtimeIdAsync(null, ("A", 3));
        var bookingId = await alice.HoldAcceptedAsync(showtimeId, "A1", "A2");
        Assert.Equal("held", await alice.WaitForStatusAsync(bookingId, OutcomeTimeout));

        var response = await alice.CancelAsync(bookingId);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("cancelled", (await alice.WaitForBookingAsync(bookingId, OutcomeTimeout, "held")).GetProperty("status").GetString());
        Assert.Equal(["available", "available", "available"], Statuses(await alice.GetSeatMapAsync(showtimeId)));
        var bobs = await bob.HoldAcceptedOnceFreedAsync(showtimeId, "A2");
        Assert.Equal("held", await bob.WaitForStatusAsync(bobs, OutcomeTimeout));
    }

    [Fact]
    public async Task Should_answer_409_when_a_cancelled_booking_is_confirmed()
    {
        using var admin = await system.ClientAsync("admin", "admin");
        using var alice = await system.ClientAsync("alice");
        var showtimeId = await admin.CreateShowtimeIdAsync(null, ("A", 2));
        var bookingId = await alice.HoldAcceptedAsync(showtimeId, "A1");
        Assert.Equal("held", await alice.WaitForStatusAsync(bookingId, OutcomeTimeout));
        await alice.CancelAsync(bookingId);
        await alice.WaitForBookingAsync(bookingId, OutcomeTimeout, "held");

        var response = await alice.ConfirmAsync(bookingId);

        var problem = await AssertProblemAsync(response, HttpStatusCode.Conflict);
        Assert.Equal("cancelled", problem.GetProperty("bookingStatus").GetString());
        Assert.Equal("cancelled", (await alice.GetBookingAsync(bookingId)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Should_return_the_same_booking_when_a_hold_is_repeated_with_its_idempotency_key()
    {
        using var admin = await system.ClientAsync("admin", "admin");
        using var alice = await system.ClientAsync("alice");
        var showtimeId = await admin.CreateShowtimeIdAsync(null, ("A", 3));
        var key = Guid.NewGuid().ToString();

        var first = await HoldWithKeyAsync(alice, showtimeId, key, "A1", "A2");
        await alice.WaitForStatusAsync(first, OutcomeTimeout);
        var again = await HoldWithKeyAsync(alice, showtimeId, key, "A1", "A2");

        Assert.Equal(first, again);
        Assert.Equal("held", await alice.WaitForStatusAsync(again, OutcomeTimeout));
    }

    [Fact]
    public async Task Should_answer_422_when_an_idempotency_key_is_reused_for_other_seats()
    {
        using var admin = await system.ClientAsync("admin", "admin");
        using var alice = await system.ClientAsync("alice");
        var showtimeId = await admin.CreateShowtimeIdAsync(null, ("A", 3));
        var key = Guid.NewGuid().ToString();
        await alice.WaitForStatusAsync(await HoldWithKeyAsync(alice, showtimeId, key, "A1"), OutcomeTimeout);

        var response = await alice.HoldWithKeyAsync(showtimeId, key, "A3");

        await AssertProblemAsync(response, HttpStatusCode.UnprocessableEntity);
    }

    [Fact]
    public async Task Should_expire_the_hold_and_free_its_seats_when_its_time_runs_out()
    {
        using var admin = await system.ClientAsync("admin", "admin");
        using var alice = await system.ClientAsync("alice");
        var showtimeId = await admin.CreateShowtimeIdAsync(10, ("A", 2));
        var bookingId = await alice.HoldAcceptedAsync(showtimeId, "A1");
        Assert.Equal("held", await alice.WaitForStatusAsync(bookingId, OutcomeTimeout));

        var booking = await alice.WaitForBookingAsync(bookingId, OutcomeTimeout, "held");

        Assert.Equal("expired", booking.GetProperty("status").GetString());
        Assert.Equal(["available", "available"], Statuses(await alice.GetSeatMapAsync(showtimeId)));
    }

    protected static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    protected static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"Expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonSerializer.Deserialize<JsonElement>(body);
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("title").GetString()));
        return problem;
    }

    /// <summary>Posts a showtime of movie M in hall H, starting at <paramref name="startsAt"/> (any JSON value).</summary>
    private static Task<HttpResponseMessage> PostShowtimeAsync(BookingClient client, object startsAt, params (string Row, int Seats)[] rows) =>
        client.Http.PostAsJsonAsync("/api/showtimes", new
        {
            movie = "M", auditorium = "H", startsAt, rows = rows.Select(r => new { row = r.Row, seats = r.Seats }),
        });

    private static void AssertErrorsName(JsonElement problem, string field) =>
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"errors should name {field}: {problem}");

    private static async Task<Guid> HoldWithKeyAsync(BookingClient client, Guid showtimeId, string key, params string[] seats)
    {
        var response = await client.HoldWithKeyAsync(showtimeId, key, seats);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("bookingId").GetGuid();
    }

    private static List<string?> SeatIds(JsonElement seatMap) =>
        [.. seatMap.GetProperty("seats").EnumerateArray().Select(s => s.GetProperty("seatId").GetString())];

    private static List<string?> Statuses(JsonElement seatMap) =>
        [.. seatMap.GetProperty("seats").EnumerateArray().Select(s => s.GetProperty("status").GetString())];
}

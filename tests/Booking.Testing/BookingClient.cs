using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Booking.Testing;

/// <summary>The public HTTP API as a test client sees it: JSON in, JSON out, statuses kept.</summary>
public sealed class BookingClient(HttpClient http) : IDisposable
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private static readonly string[] InFlightStatuses = ["pending"];

    public HttpClient Http => http;

    /// <summary>Creates a showtime with the given rows (label, seat count); needs an admin client.</summary>
    public async Task<JsonElement> CreateShowtimeAsync(int? holdSeconds = null, params (string Row, int Seats)[] rows)
    {
        var response = await http.PostAsJsonAsync("/api/showtimes", new
        {
            movie = "Test Movie",
            auditorium = "Hall 1",
            startsAt = DateTimeOffset.UtcNow.AddDays(1),
            holdSeconds,
            rows = rows.Select(r => new { row = r.Row, seats = r.Seats }),
        });
        if (response.StatusCode != HttpStatusCode.Created)
        {
            throw new InvalidOperationException($"Create showtime: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }

        return await response.Content.ReadFromJsonAsync<JsonElement>(Json);
    }

    public async Task<Guid> CreateShowtimeIdAsync(int? holdSeconds = null, params (string Row, int Seats)[] rows) =>
        (await CreateShowtimeAsync(holdSeconds, rows)).GetProperty("id").GetGuid();

    public Task<HttpResponseMessage> HoldAsync(Guid showtimeId, params string[] seats) =>
        http.PostAsJsonAsync($"/api/showtimes/{showtimeId}/holds", new { seats });

    /// <summary>Asks for a hold with an <c>Idempotency-Key</c>; the answer as it came.</summary>
    public async Task<HttpResponseMessage> HoldWithKeyAsync(Guid showtimeId, string idempotencyKey, params string[] seats)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/showtimes/{showtimeId}/holds") { Content = JsonContent.Create(new { seats }) };
        request.Headers.Add("Idempotency-Key", idempotencyKey);
        return await http.SendAsync(request);
    }

    /// <summary>Asks for a hold and returns the booking id; fails the test unless the answer is 202.</summary>
    public async Task<Guid> HoldAcceptedAsync(Guid showtimeId, params string[] seats) =>
        await AcceptedBookingIdAsync(await HoldAsync(showtimeId, seats));

    /// <summary>
    /// Holds seats that were just freed. The worker opens the gate right after the commit that freed them, so a hold
    /// sent in between is answered 409 (nothing is sent then); it is tried again until the gate lets it through.
    /// </summary>
    public async Task<Guid> HoldAcceptedOnceFreedAsync(Guid showtimeId, params string[] seats)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        var response = await HoldAsync(showtimeId, seats);
        while (response.StatusCode == HttpStatusCode.Conflict && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
            response = await HoldAsync(showtimeId, seats);
        }

        return await AcceptedBookingIdAsync(response);
    }

    /// <summary>The booking id of a 202; fails the test with the answer's body otherwise.</summary>
    public static async Task<Guid> AcceptedBookingIdAsync(HttpResponseMessage response)
    {
        if (response.StatusCode != HttpStatusCode.Accepted)
        {
            throw new InvalidOperationException($"Hold: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }

        return (await response.Content.ReadFromJsonAsync<JsonElement>(Json)).GetProperty("bookingId").GetGuid();
    }

    public Task<HttpResponseMessage> GetBookingResponseAsync(Guid bookingId) => http.GetAsync($"/api/bookings/{bookingId}");

    public async Task<JsonElement> GetBookingAsync(Guid bookingId)
    {
        var response = await GetBookingResponseAsync(bookingId);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonElement>(Json);
    }

    /// <summary>
    /// Polls the booking until its status is out of <paramref name="waitingStatuses"/> (default: pending). A 404
    /// counts as pending too: the pending record is best effort (it lives in Redis), so a booking may read as unknown
    /// until the worker has stored it; one that never appears fails the wait.
    /// </summary>
    public async Task<JsonElement> WaitForBookingAsync(Guid bookingId, TimeSpan? timeout = null, params string[] waitingStatuses)
    {
        var waiting = waitingStatuses.Length > 0 ? waitingStatuses : InFlightStatuses;
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            var response = await GetBookingResponseAsync(bookingId);
            string? status = "not found";
            if (response.StatusCode != HttpStatusCode.NotFound)
            {
                response.EnsureSuccessStatusCode();
                var booking = await response.Content.ReadFromJsonAsync<JsonElement>(Json);
                status = booking.GetProperty("status").GetString();
                if (!waiting.Contains(status))
                {
                    return booking;
                }
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Booking {bookingId} still {status} after {timeout}.");
            }

            await Task.Delay(50);
        }
    }

    public async Task<string> WaitForStatusAsync(Guid bookingId, TimeSpan? timeout = null) =>
        (await WaitForBookingAsync(bookingId, timeout)).GetProperty("status").GetString()!;

    public Task<HttpResponseMessage> ConfirmAsync(Guid bookingId) => http.PostAsync($"/api/bookings/{bookingId}/confirm", null);

    public Task<HttpResponseMessage> CancelAsync(Guid bookingId) => http.DeleteAsync($"/api/bookings/{bookingId}");

    public async Task<JsonElement> GetSeatMapAsync(Guid showtimeId) =>
        await http.GetFromJsonAsync<JsonElement>($"/api/showtimes/{showtimeId}/seats", Json);

    public void Dispose() => http.Dispose();
}

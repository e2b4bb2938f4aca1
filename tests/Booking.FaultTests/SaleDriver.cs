using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Booking.Ingress;
using Booking.Testing;

namespace Booking.FaultTests;

/// <summary>Buyers asking for random seats of one showtime at once, and what they were told.</summary>
public static class SaleDriver
{
    public sealed record Answer(HttpStatusCode Status, Guid BookingId, BookingClient Buyer);

    public static async Task<List<Answer>> RushAsync(
        ServiceHost<IngressApp> ingress, Guid showtimeId, string[] seatIds, int buyers, int seed, string prefix)
    {
        var random = new Random(seed);
        var clients = await Task.WhenAll(Enumerable.Range(0, buyers).Select(i => ingress.ClientAsync($"{prefix}-{i}")));
        var picks = clients.Select(_ => random.GetItems(seatIds, random.Next(1, 3)).Distinct().ToArray()).ToList();
        var answers = await Task.WhenAll(clients.Select(async (client, i) =>
        {
            var response = await client.HoldAsync(showtimeId, picks[i]);
            var body = await response.Content.ReadFromJsonAsync<JsonElement>();
            var id = response.StatusCode == HttpStatusCode.Accepted ? body.GetProperty("bookingId").GetGuid() : Guid.Empty;
            return new Answer(response.StatusCode, id, client);
        }));
        return [.. answers];
    }

    public static async Task<string[]> OutcomesAsync(IEnumerable<Answer> accepted) =>
        await Task.WhenAll(accepted.Select(a => a.Buyer.WaitForStatusAsync(a.BookingId, TimeSpan.FromSeconds(60))));
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Booking.Testing;

namespace Booking.Ingress.Tests.Apis;

[Collection(SystemCollection.Name)]
public sealed class AdminApiTests(BookingSystemFixture system)
{
    [Fact]
    public async Task Should_write_a_held_seats_lost_gate_key_again_when_an_admin_rebuilds_the_gate()
    {
        using var admin = await system.ClientAsync("admin", "admin");
        using var alice = await system.ClientAsync("alice");
        var showtimeId = await admin.CreateShowtimeIdAsync(null, ("A", 2));
        var bookingId = await alice.HoldAcceptedAsync(showtimeId, "A1");
        Assert.Equal("held", await alice.WaitForStatusAsync(bookingId));
        var key = $"seat:{{{showtimeId:N}}}:A1";
        await system.Redis.KeyDeleteAsync(key);

        var response = await admin.Http.PostAsync("/api/admin/gate/rebuild", null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("locks").GetInt32() >= 1);
        Assert.Equal(bookingId.ToString("N"), (string?)await system.Redis.StringGetAsync(key));
        Assert.NotNull(await system.Redis.KeyTimeToLiveAsync(key));
    }

    [Fact]
    public async Task Should_answer_403_when_a_customer_rebuilds_the_gate()
    {
        using var alice = await system.ClientAsync("alice");

        var response = await alice.Http.PostAsync("/api/admin/gate/rebuild", null);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }
}

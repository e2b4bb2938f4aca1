using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Booking.Contracts;
using Booking.Ingress.Holds;
using Booking.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Booking.Ingress.Tests.Apis;

[Collection(SystemCollection.Name)]
public sealed class BookingsApiTests(BookingSystemFixture system)
{
    [Fact]
    public async Task Should_answer_409_pending_to_its_owner_when_a_booking_accepted_but_not_yet_applied_is_confirmed_or_cancelled()
    {
        // A hold the ingress accepted and remembered, which no worker has applied yet.
        var hold = new RequestSeatHold(Guid.CreateVersion7(), Guid.NewGuid(), "alice", ["A1"], null, DateTimeOffset.UtcNow);
        await system.Ingress.Services.GetRequiredService<PendingBookings>().RememberAsync(hold, CancellationToken.None);
        using var alice = await system.ClientAsync("alice");
        using var bob = await system.ClientAsync("bob");

        foreach (var response in new[] { await alice.ConfirmAsync(hold.BookingId), await alice.CancelAsync(hold.BookingId) })
        {
            Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal("pending", problem.GetProperty("bookingStatus").GetString());
        }

        Assert.Equal(HttpStatusCode.NotFound, (await bob.ConfirmAsync(hold.BookingId)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await bob.CancelAsync(hold.BookingId)).StatusCode);
    }
}

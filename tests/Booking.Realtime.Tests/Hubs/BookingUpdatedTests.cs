using Booking.Contracts;
using Booking.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace Booking.Realtime.Tests.Hubs;

[Collection(RealtimeCollection.Name)]
public sealed class BookingUpdatedTests(RealtimeSystemFixture fixture)
{
    private BookingSystemFixture System => fixture.System;

    [Fact]
    public async Task Should_reach_a_client_of_instance_1_when_instance_2_consumed_the_event()
    {
        await using var instance1 = await fixture.StartRealtimeAsync();
        var instance2 = fixture.Realtime;
        // Instance 1 consumes nothing from now on: whatever its clients get came through the Redis backplane.
        await instance1.Services.GetRequiredService<IBusControl>().StopAsync();
        var consumedBy2 = new ConsumedMessages<BookingsChanged>();
        using var observer = instance2.Services.GetRequiredService<IBus>().ConnectConsumeMessageObserver(consumedBy2);
        var customer = $"alice-{Guid.NewGuid():N}";
        using var http = await System.ClientAsync(customer);
        await using var hub = await HubClient.ConnectAsync(instance1, await TokenAsync(customer));
        using var admin = await System.ClientAsync("admin", "admin");
        var showtimeId = await admin.CreateShowtimeIdAsync(null, ("A", 4));

        var bookingId = await http.HoldAcceptedAsync(showtimeId, "A1", "A2");
        var update = await hub.WaitForBookingAsync(bookingId, "held");

        // The observer hears of the consume only after the consumer's backplane publish returned, which may be after
        // the client already got the message through the backplane.
        await BookingSystemFixture.WaitUntilAsync(
            () => consumedBy2.Messages.Any(message => message.Bookings.Any(change => change.BookingId == bookingId)), TimeSpan.FromSeconds(10));
        Assert.Equal(customer, update.GetProperty("customerId").GetString());
        Assert.Equal(showtimeId, update.GetProperty("showtimeId").GetGuid());
        Assert.Equal(["A1", "A2"], update.GetProperty("seats").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal(1, update.GetProperty("version").GetInt64());
        Assert.True(update.TryGetProperty("holdExpiresAt", out _));
        var booking = await http.GetBookingAsync(bookingId);
        Assert.Equal(booking.GetProperty("version").GetInt64(), update.GetProperty("version").GetInt64());
        Assert.Equal(booking.GetProperty("status").GetString(), update.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Should_send_each_customer_only_their_own_bookings_when_two_customers_book_at_once()
    {
        var alice = $"alice-{Guid.NewGuid():N}";
        var bob = $"bob-{Guid.NewGuid():N}";
        using var aliceHttp = await System.ClientAsync(alice);
        using var bobHttp = await System.ClientAsync(bob);
        await using var aliceHub = await HubClient.ConnectAsync(fixture.Realtime, await TokenAsync(alice));
        await using var bobHub = await HubClient.ConnectAsync(fixture.Realtime, await TokenAsync(bob));
        using var admin = await System.ClientAsync("admin", "admin");
        var showtimeId = await admin.CreateShowtimeIdAsync(null, ("A", 4));

        var bookings = await Task.WhenAll(aliceHttp.HoldAcceptedAsync(showtimeId, "A1"), bobHttp.HoldAcceptedAsync(showtimeId, "A2"));
        await Task.WhenAll(aliceHub.WaitForBookingAsync(bookings[0], "held"), bobHub.WaitForBookingAsync(bookings[1], "held"));
        await Task.WhenAll(aliceHttp.ConfirmAsync(bookings[0]), bobHttp.ConfirmAsync(bookings[1]));
        await Task.WhenAll(aliceHub.WaitForBookingAsync(bookings[0], "confirmed"), bobHub.WaitForBookingAsync(bookings[1], "confirmed"));
        // Anything misrouted would have been sent with the owner's own update; give it time to arrive.
        await Task.Delay(TimeSpan.FromSeconds(1));

        Assert.Equal(["held", "confirmed"], aliceHub.BookingUpdates.Select(b => b.GetProperty("status").GetString()).Distinct());
        Assert.All(aliceHub.BookingUpdates, b => Assert.Equal((bookings[0], alice), (b.GetProperty("bookingId").GetGuid(), b.GetProperty("customerId").GetString())));
        Assert.Equal(["held", "confirmed"], bobHub.BookingUpdates.Select(b => b.GetProperty("status").GetString()).Distinct());
        Assert.All(bobHub.BookingUpdates, b => Assert.Equal((bookings[1], bob), (b.GetProperty("bookingId").GetGuid(), b.GetProperty("customerId").GetString())));
    }

    private async Task<string> TokenAsync(string subject)
    {
        using var http = System.Ingress.CreateClient();
        return await TestTokens.MintAsync(http, subject);
    }
}

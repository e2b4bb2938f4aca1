using Booking.Contracts;
using Booking.Core.Data;
using Booking.Testing;
using Booking.Worker.Holds;
using Microsoft.Extensions.DependencyInjection;

namespace Booking.Worker.Tests.Publishing;

/// <summary>
/// A change to the booking a message names is stored as published in the same commit (its message, acknowledged
/// after the publish, is its record until then); a change made on the side is stored as not yet published, for the
/// marks and the sweeper. Applied here without a message or a publish, so nothing marks anything in between.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class PublishedWithMessageTests(BookingSystemFixture system)
{
    [Fact]
    public async Task Should_store_requested_changes_as_published_and_a_lapsed_hold_ended_on_the_way_as_not_yet()
    {
        using var admin = await system.ClientAsync("admin", "admin");
        var showtimeId = await admin.CreateShowtimeIdAsync(null, ("A", 2));
        var first = await HoldAsync(showtimeId, "A1");
        var firstWhenHeld = Read(first);
        // Lapsed just now: within the sweeper's grace, so the next hold of A1 is what ends it.
        await Sql.ExecuteAsync(system.Postgres, "UPDATE seats SET hold_expires_at = now() - interval '1 second' WHERE booking_id = @id", first);
        await Sql.ExecuteAsync(system.Postgres, "UPDATE bookings SET hold_expires_at = now() - interval '1 second' WHERE id = @id", first);

        var second = await HoldAsync(showtimeId, "A1");
        var secondWhenHeld = Read(second);
        await using (var scope = system.Worker.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<HeldBookings>()
                .ApplyAsync([new HeldBookingChange(second, "alice", BookingTransitions.Sell)], CancellationToken.None);
        }

        Assert.Equal(("Held", 1L, 1L), firstWhenHeld);
        Assert.Equal(("Held", 1L, 1L), secondWhenHeld);
        Assert.Equal(("Expired", 2L, 1L), Read(first));
        Assert.Equal(("Confirmed", 2L, 2L), Read(second));
    }

    private async Task<Guid> HoldAsync(Guid showtimeId, string seat)
    {
        var bookingId = Guid.NewGuid();
        await using var scope = system.Worker.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<HoldBatch>().ApplyAsync(
            [new RequestSeatHold(bookingId, showtimeId, "alice", [seat], null, DateTimeOffset.UtcNow, null)], CancellationToken.None);
        return bookingId;
    }

    private (string Status, long Version, long Published) Read(Guid bookingId) => Sql.Publication(system.Postgres, bookingId);
}

using Booking.Testing;
using Booking.Worker.Publishing;
using Microsoft.Extensions.DependencyInjection;

namespace Booking.Worker.Tests.Publishing;

[Collection(SystemCollection.Name)]
public sealed class PublishedMarksTests(BookingSystemFixture system)
{
    [Fact]
    public async Task Should_mark_a_change_published_soon_after_its_events_went_out()
    {
        var bookingId = await HeldBookingAsync();

        await BookingSystemFixture.WaitUntilAsync(() => Read(bookingId).Published == 1, TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Should_mark_only_the_version_that_was_published_when_a_newer_one_is_stored()
    {
        var bookingId = await HeldBookingAsync();
        await BookingSystemFixture.WaitUntilAsync(() => Read(bookingId).Published == 1, TimeSpan.FromSeconds(5));
        // An instance of its own, so the worker's running one cannot take these marks first.
        var marks = ActivatorUtilities.CreateInstance<PublishedMarks>(system.Worker.Services);
        // Version 2 is stored and not yet published when version 1's mark arrives late. Changed just now, so the
        // worker's sweeper leaves it alone for seconds.
        await Sql.ExecuteAsync(system.Postgres, "UPDATE bookings SET version = 2, published_version = 0, updated_at = now() WHERE id = @id", bookingId);

        marks.Add(bookingId, 1);
        await marks.FlushAsync(CancellationToken.None);
        var afterLateMark = Read(bookingId);
        marks.Add(bookingId, 2);
        await marks.FlushAsync(CancellationToken.None);

        Assert.Equal((2L, 0L), afterLateMark);
        Assert.Equal((2L, 2L), Read(bookingId));
    }

    private async Task<Guid> HeldBookingAsync()
    {
        using var admin = await system.ClientAsync("admin", "admin");
        using var alice = await system.ClientAsync("alice");
        var showtimeId = await admin.CreateShowtimeIdAsync(null, ("A", 2));
        var bookingId = await alice.HoldAcceptedAsync(showtimeId, "A1");
        Assert.Equal("held", await alice.WaitForStatusAsync(bookingId));
        return bookingId;
    }

    private (long Version, long Published) Read(Guid bookingId)
    {
        var (_, version, published) = Sql.Publication(system.Postgres, bookingId);
        return (version, published);
    }
}

using Booking.Contracts;
using Booking.Core.Data;
using Booking.Testing;
using Booking.Worker.Holds;
using Microsoft.Extensions.DependencyInjection;

namespace Booking.Worker.Tests.Consumers;

/// <summary>
/// A hold batch decides on the rows the worker kept from its last commits (<see cref="KnownSeats"/>). These tests
/// change rows behind the worker's back, as another worker would (its own <see cref="KnownSeats"/>), and check that
/// a kept row is never what sells a seat twice or refuses a free one.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class KnownSeatsTests(BookingSystemFixture system)
{
    [Fact]
    public async Task Should_refuse_a_seat_that_another_worker_took_after_it_was_kept()
    {
        var showtimeId = await CreateShowtimeAsync();
        var first = await HoldAsync(showtimeId, "A1");
        var elsewhere = await HoldAsync(showtimeId, "A2", new KnownSeats());

        var late = await HoldAsync(showtimeId, "A2");

        Assert.Equal(("Held", "Held"), (Status(first), Status(elsewhere)));
        Assert.Equal(("Rejected", "seats_taken"), (Status(late), Reason(late)));
        Assert.Equal(elsewhere, SeatOwner(showtimeId, "A2"));
        await Invariants.AssertHoldAsync(system.Postgres, showtimeId, [first, elsewhere, late]);
    }

    [Fact]
    public async Task Should_hold_a_kept_seat_that_another_worker_freed()
    {
        var showtimeId = await CreateShowtimeAsync();
        var first = await HoldAsync(showtimeId, "A1");
        await using (var scope = system.Worker.Services.CreateAsyncScope())
        {
            var elsewhere = ActivatorUtilities.CreateInstance<HeldBookings>(scope.ServiceProvider, new KnownSeats());
            await elsewhere.ApplyAsync([new HeldBookingChange(first, "alice", Cancel)], CancellationToken.None);
        }

        var second = await HoldAsync(showtimeId, "A1");

        Assert.Equal("Cancelled", Status(first));
        Assert.Equal("Held", Status(second));
        Assert.Equal(second, SeatOwner(showtimeId, "A1"));
        await Invariants.AssertHoldAsync(system.Postgres, showtimeId, [first, second]);
    }

    [Fact]
    public async Task Should_keep_at_most_its_bound_of_seats_dropping_the_showtime_used_longest_ago()
    {
        var known = new KnownSeats(maxSeats: 4);
        var older = await CreateShowtimeAsync();
        var newer = await CreateShowtimeAsync();

        await HoldAsync(older, "A1", known);
        var keptAfterOne = known.Count;
        await HoldAsync(newer, "A1", known);

        Assert.Equal((1, 1), (keptAfterOne, known.Count));
        var again = await HoldAsync(older, "A2", known);
        Assert.Equal("Held", Status(again));
        Assert.Equal(1, known.Count);
    }

    private static void Cancel(BookingRecord booking, Showtime showtime, IReadOnlyList<Seat> seats, DateTime now) =>
        BookingTransitions.End(booking, BookingStatus.Cancelled, null, showtime, seats, now);

    private async Task<Guid> CreateShowtimeAsync()
    {
        using var admin = await system.ClientAsync("admin", "admin");
        return await admin.CreateShowtimeIdAsync(null, ("A", 3));
    }

    /// <summary>Applies a hold as the worker's hold batch does, with the worker's kept rows or with <paramref name="known"/>.</summary>
    private async Task<Guid> HoldAsync(Guid showtimeId, string seat, KnownSeats? known = null)
    {
        var bookingId = Guid.NewGuid();
        await using var scope = system.Worker.Services.CreateAsyncScope();
        var holds = known is null
            ? scope.ServiceProvider.GetRequiredService<HoldBatch>()
            : ActivatorUtilities.CreateInstance<HoldBatch>(scope.ServiceProvider, known);
        await holds.ApplyAsync(
            [new RequestSeatHold(bookingId, showtimeId, "alice", [seat], null, DateTimeOffset.UtcNow, null)], CancellationToken.None);
        return bookingId;
    }

    private string Status(Guid bookingId) => Sql.Publication(system.Postgres, bookingId).Status;

    private string Reason(Guid bookingId) => Sql.Scalar<string>(system.Postgres, "SELECT reason FROM bookings WHERE id = @id", bookingId);

    private Guid SeatOwner(Guid showtimeId, string seat) =>
        Sql.Scalar<Guid>(system.Postgres, $"SELECT booking_id FROM seats WHERE showtime_id = @id AND seat_id = '{seat}'", showtimeId);
}

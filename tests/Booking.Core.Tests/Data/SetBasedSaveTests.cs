using Booking.Core.Data;
using Booking.Testing;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Booking.Core.Tests.Data;

/// <summary>A set-based save on PostgreSQL stores what <c>SaveChangesAsync</c> would, all or nothing.</summary>
public sealed class SetBasedSaveTests : IAsyncLifetime
{
    private TestServers? _servers;
    private string _database = "";
    private Guid _showtimeId;

    public async Task InitializeAsync()
    {
        _servers = await TestServers.StartAsync();
        _database = await _servers.CreateDatabaseAsync("setbased");
        await using var db = Context();
        await db.Database.MigrateAsync();
        var showtime = new Showtime { Id = Guid.NewGuid(), Movie = "m", Auditorium = "a", StartsAt = DateTime.UtcNow, HoldSeconds = 60, CreatedAt = DateTime.UtcNow };
        showtime.AddRow("A", 3);
        db.Showtimes.Add(showtime);
        await db.SaveChangesAsync();
        _showtimeId = showtime.Id;
    }

    public async Task DisposeAsync() => await _servers!.DisposeAsync();

    [Fact]
    public async Task Should_store_new_and_changed_rows_as_save_changes_would()
    {
        var expiresAt = new DateTime(2026, 11, 27, 9, 30, 15, 123, 456, DateTimeKind.Utc);
        var booking = NewBooking("buyer", "A1", "A2");
        await using (var db = Context())
        {
            var seats = await db.Seats.Where(s => s.ShowtimeId == _showtimeId && booking.SeatIds.Contains(s.SeatId)).ToListAsync();
            var showtime = await db.Showtimes.SingleAsync(s => s.Id == _showtimeId);
            foreach (var seat in seats)
            {
                (seat.Status, seat.BookingId, seat.HoldExpiresAt) = (SeatStatus.Held, booking.Id, expiresAt);
                seat.Version++;
            }

            (booking.Status, booking.HoldExpiresAt, booking.SeatsVersion) = (BookingStatus.Held, expiresAt, ++showtime.Version);
            db.Bookings.Add(booking);

            Assert.Equal(4, await db.SaveChangesSetBasedAsync(CancellationToken.None));
            Assert.DoesNotContain(db.ChangeTracker.Entries(), e => e.State != EntityState.Unchanged);
        }

        await using var check = Context();
        var stored = await check.Bookings.SingleAsync(b => b.Id == booking.Id);
        Assert.Equal((BookingStatus.Held, "buyer", expiresAt, 1L, (string?)null), (stored.Status, stored.CustomerId, stored.HoldExpiresAt, stored.SeatsVersion, stored.Reason));
        Assert.Equal(["A1", "A2"], stored.SeatIds);
        var seatsAfter = await check.Seats.Where(s => s.ShowtimeId == _showtimeId).OrderBy(s => s.SeatId).ToListAsync();
        Assert.Equal(
            [("A1", SeatStatus.Held, booking.Id, expiresAt, 1L), ("A2", SeatStatus.Held, booking.Id, expiresAt, 1L), ("A3", SeatStatus.Available, null, null, 0L)],
            seatsAfter.Select(s => (s.SeatId, s.Status, s.BookingId, s.HoldExpiresAt, s.Version)));
        Assert.Equal(1, (await check.Showtimes.SingleAsync(s => s.Id == _showtimeId)).Version);
    }

    [Fact]
    public async Task Should_save_nothing_and_report_a_conflict_when_another_writer_changed_a_row()
    {
        await using var db = Context();
        var seat = await db.Seats.SingleAsync(s => s.ShowtimeId == _showtimeId && s.SeatId == "A3");
        await Sql.ExecuteAsync(_database, "UPDATE seats SET version = version + 1 WHERE showtime_id = @id AND seat_id = 'A3'", _showtimeId);
        seat.Status = SeatStatus.Sold;
        seat.Version++;
        var booking = NewBooking("late", "A3");
        db.Bookings.Add(booking);

        await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => db.SaveChangesSetBasedAsync(CancellationToken.None));

        Assert.Equal(0, Sql.Scalar<long>(_database, "SELECT count(*) FROM bookings WHERE id = @id", booking.Id));
        Assert.Equal("Available", Sql.Scalar<string>(_database, "SELECT status FROM seats WHERE showtime_id = @id AND seat_id = 'A3'", _showtimeId));
    }

    [Fact]
    public async Task Should_report_a_database_error_as_save_changes_does_and_save_nothing()
    {
        await using var db = Context();
        var fine = NewBooking("fine", "A1");
        var tooLong = NewBooking(new string('c', 201), "A2");
        db.Bookings.AddRange(fine, tooLong);

        var failure = await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesSetBasedAsync(CancellationToken.None));

        Assert.Equal(PostgresErrorCodes.StringDataRightTruncation, Assert.IsType<PostgresException>(failure.InnerException).SqlState);
        Assert.Equal(0, Sql.Scalar<long>(_database, "SELECT count(*) FROM bookings WHERE id = @id", fine.Id));
    }

    private BookingRecord NewBooking(string customerId, params string[] seatIds) => new()
    {
        Id = Guid.NewGuid(),
        ShowtimeId = _showtimeId,
        CustomerId = customerId,
        SeatIds = seatIds,
        Status = BookingStatus.Pending,
        CreatedAt = DateTime.UtcNow,
        UpdatedAt = DateTime.UtcNow,
        Version = 1,
    };

    private BookingDbContext Context() =>
        new(new DbContextOptionsBuilder<BookingDbContext>().UseBookingPostgres(_database).Options);
}

using Booking.Core.Data;
using Booking.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Booking.Core.Tests.Data;

/// <summary>Seats read by their keys are exactly the ones asked for, on PostgreSQL and on SQLite.</summary>
public sealed class SeatLookupTests : IAsyncLifetime
{
    private TestServers? _servers;
    private string _postgres = "";
    private readonly SqliteConnection _sqlite = new("Data Source=:memory:");

    public async Task InitializeAsync()
    {
        _servers = await TestServers.StartAsync();
        _postgres = await _servers.CreateDatabaseAsync("seatlookup");
        await _sqlite.OpenAsync();
    }

    public async Task DisposeAsync()
    {
        await _sqlite.DisposeAsync();
        await _servers!.DisposeAsync();
    }

    [Fact]
    public async Task Should_read_only_the_asked_seats_on_postgres()
    {
        await using var db = new BookingDbContext(new DbContextOptionsBuilder<BookingDbContext>().UseBookingPostgres(_postgres).Options);
        await db.Database.MigrateAsync();
        await AssertExactAsync(db);
    }

    [Fact]
    public async Task Should_read_only_the_asked_seats_on_sqlite()
    {
        await using var db = new BookingDbContext(new DbContextOptionsBuilder<BookingDbContext>().UseSqlite(_sqlite).UseSnakeCaseNamingConvention().Options);
        await db.Database.EnsureCreatedAsync();
        await AssertExactAsync(db);
    }

    /// <summary>
    /// Two showtimes, a seat asked for in each, and one that does not exist: the other showtime's seat of the same
    /// name (what <c>showtime IN ... AND seat IN ...</c> would add) and the missing one are not returned.
    /// </summary>
    private static async Task AssertExactAsync(BookingDbContext db)
    {
        var (first, second) = (NewShowtime(), NewShowtime());
        db.Showtimes.AddRange(first, second);
        await db.SaveChangesAsync();
        db.ChangeTracker.Clear();

        var seats = await db.FindSeatsAsync([(first.Id, "A1"), (second.Id, "A2"), (first.Id, "Z9")], CancellationToken.None);

        Assert.Equal(
            [(first.Id, "A1"), (second.Id, "A2")],
            seats.Select(s => (s.ShowtimeId, s.SeatId)).OrderBy(k => k.SeatId));
        Assert.Empty(db.ChangeTracker.Entries());
        Assert.Empty(await db.FindSeatsAsync([], CancellationToken.None));
    }

    private static Showtime NewShowtime()
    {
        var showtime = new Showtime { Id = Guid.NewGuid(), Movie = "m", Auditorium = "a", StartsAt = DateTime.UtcNow, HoldSeconds = 60, CreatedAt = DateTime.UtcNow };
        showtime.AddRow("A", 3);
        return showtime;
    }
}

using Booking.Core.Data;
using Booking.Core.Gate;
using Booking.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Booking.Core.Tests.Gate;

/// <summary>A rebuild's second pass puts right the seats that moved while it wrote their locks, on PostgreSQL.</summary>
public sealed class GateRebuilderTests : IAsyncLifetime
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);
    private TestServers? _servers;
    private string _postgres = "";

    public async Task InitializeAsync()
    {
        _servers = await TestServers.StartAsync();
        _postgres = await _servers.CreateDatabaseAsync("gaterebuild");
    }

    public async Task DisposeAsync() => await _servers!.DisposeAsync();

    [Fact]
    public async Task Should_free_a_seat_freed_and_keep_a_seat_sold_when_they_moved_after_the_rebuild_read_them_as_held()
    {
        await using var db = new BookingDbContext(new DbContextOptionsBuilder<BookingDbContext>().UseBookingPostgres(_postgres).Options);
        await db.Database.MigrateAsync();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var showtime = new Showtime { Id = Guid.NewGuid(), Movie = "m", Auditorium = "a", StartsAt = DateTime.UtcNow, HoldSeconds = 60, CreatedAt = DateTime.UtcNow };
        showtime.AddRow("A", 3);
        var (cancelled, sold, held) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        // The database now: A1 freed since (its booking was cancelled), A2 sold since, A3 still held.
        var seats = showtime.Seats.ToDictionary(s => s.SeatId);
        (seats["A2"].Status, seats["A2"].BookingId) = (SeatStatus.Sold, sold);
        (seats["A3"].Status, seats["A3"].BookingId, seats["A3"].HoldExpiresAt) = (SeatStatus.Held, held, clock.GetUtcNow().UtcDateTime + Minute);
        db.Showtimes.Add(showtime);
        await db.SaveChangesAsync();
        // What the rebuild had read before they moved, and wrote over the worker's own changes to the gate.
        GateLock[] written = [new(showtime.Id, "A1", cancelled, Minute), new(showtime.Id, "A2", sold, Minute), new(showtime.Id, "A3", held, Minute)];
        var gate = new InProcessSeatGate(clock);
        await gate.RestoreAsync(written);

        await new GateRebuilder(db, gate, clock, Options.Create(new BookingOptions())).PutRightWhatMovedAsync(written, CancellationToken.None);

        Assert.Empty(await gate.TryHoldAsync(showtime.Id, ["A1"], Guid.NewGuid(), Minute));
        Assert.Equal(["A3"], await gate.TryHoldAsync(showtime.Id, ["A3"], Guid.NewGuid(), Minute));
        clock.Advance(5 * Minute);
        Assert.Equal(["A2"], await gate.TryHoldAsync(showtime.Id, ["A2", "A3"], Guid.NewGuid(), Minute));
    }
}

using Booking.Core.Data;
using Booking.Ingress.Apis;
using Booking.Ingress.Showtimes;
using Booking.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Booking.Ingress.Tests.Showtimes;

[Collection(SystemCollection.Name)]
public sealed class SeatMapsTests(BookingSystemFixture system)
{
    [Fact]
    public async Task Should_serve_a_kept_map_only_until_the_version_moves_or_a_hold_lapses()
    {
        using var admin = await system.ClientAsync("admin", "admin");
        using var alice = await system.ClientAsync("alice");
        var showtimeId = await admin.CreateShowtimeIdAsync(null, ("A", 3));
        await using var scope = system.Ingress.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BookingDbContext>();
        using var seatMaps = new SeatMaps();
        var now = DateTime.UtcNow;

        var first = await seatMaps.ReadAsync(db, showtimeId, now, CancellationToken.None);
        var again = await seatMaps.ReadAsync(db, showtimeId, now, CancellationToken.None);
        Assert.Same(first, again);
        Assert.Equal(["available", "available", "available"], Statuses(first));
        Assert.Equal("\"0\"", first!.ETag);

        // The worker holds A1, then A2, which moves the version: the next read has both holds.
        Assert.Equal("held", await alice.WaitForStatusAsync(await alice.HoldAcceptedAsync(showtimeId, "A1")));
        Assert.Equal("held", await alice.WaitForStatusAsync(await alice.HoldAcceptedAsync(showtimeId, "A2")));
        var held = await seatMaps.ReadAsync(db, showtimeId, DateTime.UtcNow, CancellationToken.None);
        var version = await db.Showtimes.Where(s => s.Id == showtimeId).Select(s => s.Version).SingleAsync();
        Assert.Equal(version, held!.Map.Version);
        Assert.Equal(["held", "held", "available"], Statuses(held));
        Assert.Equal($"\"{version}\"", held.ETag);

        // When the first hold ends, the same version shows A1 free, before any sweeper has touched the row.
        var expiresAt = await db.Seats.Where(s => s.ShowtimeId == showtimeId && s.SeatId == "A1").Select(s => s.HoldExpiresAt!.Value).SingleAsync();
        Assert.Same(held, await seatMaps.ReadAsync(db, showtimeId, expiresAt.AddTicks(-10), CancellationToken.None));
        var lapsed = await seatMaps.ReadAsync(db, showtimeId, expiresAt, CancellationToken.None);
        Assert.Equal(version, lapsed!.Map.Version);
        Assert.Equal(["available", "held", "available"], Statuses(lapsed));
        // Same version, another map: the tag tells them apart, so a client holding the earlier one is not told 304.
        Assert.Equal($"\"{version}.1\"", lapsed.ETag);

        Assert.Null(await seatMaps.ReadAsync(db, Guid.NewGuid(), now, CancellationToken.None));
    }

    private static string[] Statuses(SeatMapSnapshot? snapshot) => [.. snapshot!.Map.Seats.Select(s => s.Status)];
}

using Booking.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Booking.Standalone.Demo;

/// <summary>
/// Creates one showtime when the database has none still to come, so a start has something to book: the first, and
/// one after the last demo showtime started (its sale closed then). It runs once every service has started (the
/// schema exists by then); a start that finds a showtime still to come adds nothing.
/// </summary>
internal sealed class DemoShowtimeSeeder(
    IServiceScopeFactory scopes, IOptions<StandaloneOptions> options, TimeProvider clock, ILogger<DemoShowtimeSeeder> logger)
    : IHostedLifecycleService
{
    /// <summary>Rows front to back and their seat counts: a small hall with a narrower front row.</summary>
    private static readonly (string Row, int Seats)[] Rows =
        [("A", 8), ("B", 10), ("C", 10), ("D", 12), ("E", 12), ("F", 12), ("G", 12), ("H", 12)];

    private const int HoldSeconds = 300;

    public async Task StartedAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.DemoShowtime)
        {
            return;
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BookingDbContext>();
        var now = clock.GetUtcNow().UtcDateTime;
        if (await db.Showtimes.AnyAsync(showtime => showtime.StartsAt > now, cancellationToken))
        {
            return;
        }

        var showtime = new Showtime
        {
            Id = Guid.CreateVersion7(),
            Movie = "Demo: The Last Picture Show",
            Auditorium = "Hall 1",
            StartsAt = now.Date.AddDays(1).AddHours(20),
            HoldSeconds = HoldSeconds,
            CreatedAt = now,
        };
        foreach (var (row, seats) in Rows)
        {
            showtime.AddRow(row, seats);
        }

        db.Showtimes.Add(showtime);
        await db.SaveChangesAsync(cancellationToken);
        logger.LogInformation("Created the demo showtime {ShowtimeId} ({Seats} seats)", showtime.Id, showtime.Seats.Count);
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

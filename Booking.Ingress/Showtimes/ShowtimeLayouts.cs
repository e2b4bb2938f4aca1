using Booking.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;

namespace Booking.Ingress.Showtimes;

/// <summary>
/// Caches showtime layouts in memory. A showtime's seats never change after it is created, so the herd is checked
/// against memory and the database is read once per showtime per ingress instance.
/// </summary>
public sealed class ShowtimeLayouts(IMemoryCache cache, IServiceScopeFactory scopes)
{
    private static readonly TimeSpan UnknownShowtimeTtl = TimeSpan.FromSeconds(1);

    public async Task<ShowtimeLayout?> FindAsync(Guid showtimeId, CancellationToken cancellationToken)
    {
        if (cache.TryGetValue(showtimeId, out ShowtimeLayout? cached))
        {
            return cached;
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BookingDbContext>();
        var showtime = await db.Showtimes.AsNoTracking()
            .Where(s => s.Id == showtimeId)
            .Select(s => new { s.HoldSeconds, SeatIds = s.Seats.Select(seat => seat.SeatId).ToList() })
            .FirstOrDefaultAsync(cancellationToken);
        var layout = showtime is null ? null : new ShowtimeLayout(showtimeId, showtime.HoldSeconds, showtime.SeatIds.ToHashSet());
        // An unknown id is remembered only briefly: the showtime may have just been created on another instance.
        cache.Set(showtimeId, layout, layout is null ? UnknownShowtimeTtl : TimeSpan.FromHours(1));
        return layout;
    }
}

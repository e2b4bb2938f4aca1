using Booking.Ingress.Showtimes;
using Booking.Testing;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;

namespace Booking.Ingress.Tests.Showtimes;

/// <summary>A showtime's layout is read from the database once and then served from memory.</summary>
[Collection(SystemCollection.Name)]
public sealed class ShowtimeLayoutsTests(BookingSystemFixture system) : IDisposable
{
    private readonly MemoryCache _memory = new(new MemoryCacheOptions());

    public void Dispose() => _memory.Dispose();

    [Fact]
    public async Task Should_read_a_showtimes_seats_and_hold_time_and_keep_them()
    {
        using var admin = await system.ClientAsync("admin", "admin");
        var showtimeId = await admin.CreateShowtimeIdAsync(90, ("A", 2), ("B", 3));
        var layouts = NewLayouts();

        var layout = await layouts.FindAsync(showtimeId, CancellationToken.None);

        Assert.Equal(90, layout!.HoldSeconds);
        Assert.Equal(["A1", "A2", "B1", "B2", "B3"], layout.SeatIds.Order());
        Assert.Same(layout, await layouts.FindAsync(showtimeId, CancellationToken.None));
    }

    [Fact]
    public async Task Should_find_no_layout_for_an_unknown_showtime()
    {
        Assert.Null(await NewLayouts().FindAsync(Guid.NewGuid(), CancellationToken.None));
    }

    private ShowtimeLayouts NewLayouts() =>
        new(_memory, system.Ingress.Services.GetRequiredService<IServiceScopeFactory>());
}

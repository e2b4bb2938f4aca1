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

    [Fact]
    public async Task Should_read_the_layouts_asked_for_together_in_a_few_reads_each_with_its_own_seats()
    {
        using var admin = await system.ClientAsync("admin", "admin");
        var showtimes = new List<(Guid Id, int Seats)>();
        for (var i = 1; i <= 12; i++)
        {
            showtimes.Add((await admin.CreateShowtimeIdAsync(60 + i, ("A", i)), i));
        }

        var scopes = new CountingScopeFactory(system.Ingress.Services.GetRequiredService<IServiceScopeFactory>());
        var layouts = new ShowtimeLayouts(_memory, scopes);

        var found = await Task.WhenAll(showtimes.Select(s => layouts.FindAsync(s.Id, CancellationToken.None)));

        // One read for the first showtime asked for, and one for those asked for while it ran (three allows for a
        // read that was quick enough to let a few requests in between); one read each would be twelve.
        Assert.InRange(scopes.Created, 1, 3);
        for (var i = 0; i < showtimes.Count; i++)
        {
            Assert.Equal(showtimes[i].Id, found[i]!.Id);
            Assert.Equal(60 + showtimes[i].Seats, found[i]!.HoldSeconds);
            Assert.Equal(Enumerable.Range(1, showtimes[i].Seats).Select(n => $"A{n}").Order(), found[i]!.SeatIds.Order());
        }
    }

    private ShowtimeLayouts NewLayouts() =>
        new(_memory, system.Ingress.Services.GetRequiredService<IServiceScopeFactory>());

    /// <summary>The real scope factory, counting the scopes (one per read of layouts) it creates.</summary>
    private sealed class CountingScopeFactory(IServiceScopeFactory inner) : IServiceScopeFactory
    {
        private int _created;

        public int Created => Volatile.Read(ref _created);

        public IServiceScope CreateScope()
        {
            Interlocked.Increment(ref _created);
            return inner.CreateScope();
        }
    }
}

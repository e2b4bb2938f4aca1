using System.Data.Common;
using Booking.Core.Data;
using Booking.Ingress.Showtimes;
using Booking.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
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
    public async Task Should_keep_one_string_per_seat_id_for_showtimes_with_the_same_seats()
    {
        using var admin = await system.ClientAsync("admin", "admin");
        var first = await admin.CreateShowtimeIdAsync(60, ("A", 3));
        var second = await admin.CreateShowtimeIdAsync(60, ("A", 3));
        var layouts = NewLayouts();

        var firstSeats = (await layouts.FindAsync(first, CancellationToken.None))!.SeatIds;
        var secondSeats = (await layouts.FindAsync(second, CancellationToken.None))!.SeatIds;

        // The sets hand out the strings they keep: the same instance in both layouts, not equal copies.
        Assert.All(["A1", "A2", "A3"], seatId =>
            Assert.Same(firstSeats.Single(kept => kept == seatId), secondSeats.Single(kept => kept == seatId)));
    }

    [Fact]
    public async Task Should_find_no_layout_for_an_unknown_showtime()
    {
        Assert.Null(await NewLayouts().FindAsync(Guid.NewGuid(), CancellationToken.None));
    }

    [Fact]
    public async Task Should_read_the_layouts_asked_for_while_a_read_runs_together_each_with_its_own_seats()
    {
        using var admin = await system.ClientAsync("admin", "admin");
        var showtimes = new List<(Guid Id, int Seats)>();
        for (var i = 1; i <= 12; i++)
        {
            showtimes.Add((await admin.CreateShowtimeIdAsync(60 + i, ("A", i)), i));
        }

        // The first read is held back until every showtime has been asked for, so the others all ask while it runs.
        var firstRead = new HeldBackFirstRead();
        await using var services = new ServiceCollection()
            .AddDbContext<BookingDbContext>(options => options.UseBookingPostgres(system.Postgres).AddInterceptors(firstRead))
            .BuildServiceProvider();
        var scopes = new CountingScopeFactory(services.GetRequiredService<IServiceScopeFactory>());
        var layouts = new ShowtimeLayouts(_memory, scopes);

        var finding = showtimes.Select(s => layouts.FindAsync(s.Id, CancellationToken.None)).ToList();
        firstRead.Release();
        var found = await Task.WhenAll(finding);

        // One read (and scope) for the first showtime, one for the eleven asked for while it ran; one each would be twelve.
        Assert.Equal(2, scopes.Created);
        for (var i = 0; i < showtimes.Count; i++)
        {
            Assert.Equal(showtimes[i].Id, found[i]!.Id);
            Assert.Equal(60 + showtimes[i].Seats, found[i]!.HoldSeconds);
            Assert.Equal(Enumerable.Range(1, showtimes[i].Seats).Select(n => $"A{n}").Order(), found[i]!.SeatIds.Order());
        }
    }

    [Fact]
    public async Task Should_find_no_layout_for_a_showtime_created_between_its_two_reads()
    {
        // The showtime is stored after the read of showtimes found nothing and before the read of their seats.
        var showtime = new Showtime
        {
            Id = Guid.NewGuid(), Movie = "m", Auditorium = "a", StartsAt = DateTime.UtcNow, HoldSeconds = 60, CreatedAt = DateTime.UtcNow,
        };
        showtime.AddRow("A", 3);
        var createdBeforeSecondRead = new BeforeSecondRead(async () =>
        {
            await using var scope = system.Ingress.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<BookingDbContext>();
            db.Showtimes.Add(showtime);
            await db.SaveChangesAsync();
        });
        await using var services = new ServiceCollection()
            .AddDbContext<BookingDbContext>(options => options.UseBookingPostgres(system.Postgres).AddInterceptors(createdBeforeSecondRead))
            .BuildServiceProvider();
        var layouts = new ShowtimeLayouts(_memory, services.GetRequiredService<IServiceScopeFactory>());

        Assert.Null(await layouts.FindAsync(showtime.Id, CancellationToken.None));
        Assert.True(createdBeforeSecondRead.Ran);
    }

    private ShowtimeLayouts NewLayouts() =>
        new(_memory, system.Ingress.Services.GetRequiredService<IServiceScopeFactory>());

    /// <summary>Holds the first command back until <see cref="Release"/>; the rest run at once.</summary>
    private sealed class HeldBackFirstRead : DbCommandInterceptor
    {
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _commands;

        public void Release() => _released.TrySetResult();

        public override async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
            DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            if (Interlocked.Increment(ref _commands) == 1)
            {
                await _released.Task.WaitAsync(TimeSpan.FromSeconds(10), cancellationToken);
            }

            return result;
        }
    }

    /// <summary>Runs an action just before the second command executes.</summary>
    private sealed class BeforeSecondRead(Func<Task> action) : DbCommandInterceptor
    {
        private int _commands;

        public bool Ran { get; private set; }

        public override async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
            DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            if (Interlocked.Increment(ref _commands) == 2)
            {
                await action();
                Ran = true;
            }

            return result;
        }
    }

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

using System.Data.Common;
using System.Text;
using System.Text.Json;
using Booking.Core.Data;
using Booking.Ingress.Apis;
using Booking.Ingress.Showtimes;
using Booking.Testing;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Booking.Ingress.Tests.Showtimes;

[Collection(SystemCollection.Name)]
public sealed class SeatMapsTests(BookingSystemFixture system)
{
    [Fact]
    public async Task Should_keep_a_map_as_json_written_with_the_apps_options()
    {
        using var admin = await system.ClientAsync("admin", "admin");
        var showtimeId = await admin.CreateShowtimeIdAsync(null, ("A", 2));
        await using var scope = system.Ingress.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BookingDbContext>();
        using var seatMaps = NewSeatMaps();

        var snapshot = await seatMaps.ReadAsync(db, showtimeId, DateTime.UtcNow, CancellationToken.None);

        var expected = new SeatMapResponse(showtimeId, 0, [new SeatResponse("A1", "A", 1, "available"), new SeatResponse("A2", "A", 2, "available")]);
        Assert.Equal(JsonSerializer.Serialize(expected, JsonOptions), Encoding.UTF8.GetString(snapshot!.Json));
        Assert.Contains("\"seats\":[{\"seatId\":\"A1\"", Encoding.UTF8.GetString(snapshot.Json));
    }

    [Fact]
    public async Task Should_list_seats_by_row_shorter_names_first_then_by_number()
    {
        using var admin = await system.ClientAsync("admin", "admin");
        var showtimeId = await admin.CreateShowtimeIdAsync(null, ("B", 2), ("AA", 1), ("A", 10));
        await using var scope = system.Ingress.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BookingDbContext>();
        using var seatMaps = NewSeatMaps();

        var snapshot = await seatMaps.ReadAsync(db, showtimeId, DateTime.UtcNow, CancellationToken.None);

        using var map = JsonDocument.Parse(snapshot!.Json);
        var seatIds = map.RootElement.GetProperty("seats").EnumerateArray().Select(seat => seat.GetProperty("seatId").GetString());
        Assert.Equal(["A1", "A2", "A3", "A4", "A5", "A6", "A7", "A8", "A9", "A10", "B1", "B2", "AA1"], seatIds);
    }

    [Fact]
    public async Task Should_serve_a_kept_map_only_until_the_version_moves_or_a_hold_lapses()
    {
        using var admin = await system.ClientAsync("admin", "admin");
        using var alice = await system.ClientAsync("alice");
        var showtimeId = await admin.CreateShowtimeIdAsync(null, ("A", 3));
        await using var scope = system.Ingress.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BookingDbContext>();
        using var seatMaps = NewSeatMaps();
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
        Assert.Equal(version, held!.Version);
        Assert.Equal(["held", "held", "available"], Statuses(held));
        Assert.Equal($"\"{version}\"", held.ETag);

        // When the first hold ends, the same version shows A1 free, before any sweeper has touched the row.
        var expiresAt = await db.Seats.Where(s => s.ShowtimeId == showtimeId && s.SeatId == "A1").Select(s => s.HoldExpiresAt!.Value).SingleAsync();
        Assert.Same(held, await seatMaps.ReadAsync(db, showtimeId, expiresAt.AddTicks(-10), CancellationToken.None));
        var lapsed = await seatMaps.ReadAsync(db, showtimeId, expiresAt, CancellationToken.None);
        Assert.Equal(version, lapsed!.Version);
        Assert.Equal(["available", "held", "available"], Statuses(lapsed));
        // Same version, another map: the tag tells them apart, so a client holding the earlier one is not told 304.
        Assert.Equal($"\"{version}.1\"", lapsed.ETag);

        Assert.Null(await seatMaps.ReadAsync(db, Guid.NewGuid(), now, CancellationToken.None));
    }

    [Fact]
    public async Task Should_share_one_full_read_among_reads_that_miss_the_kept_map_at_once()
    {
        using var admin = await system.ClientAsync("admin", "admin");
        var showtimeId = await admin.CreateShowtimeIdAsync(null, ("A", 20), ("B", 20));
        using var seatMaps = NewSeatMaps();
        // Full reads are held back, so every read below misses the kept map while the first full read runs.
        var fullReads = new SlowFullReads();
        var options = OptionsWith(fullReads);
        var contexts = Enumerable.Range(0, 20).Select(_ => new BookingDbContext(options)).ToList();
        var now = DateTime.UtcNow;

        // Each read on a context of its own, as concurrent requests are.
        var reads = await Task.WhenAll(contexts.Select(db => seatMaps.ReadAsync(db, showtimeId, now, CancellationToken.None)));

        Assert.Equal(1, fullReads.Count);
        // The read that started the full read asked for no version; the 19 that joined it did, to check it.
        Assert.Equal(20, fullReads.Commands);
        Assert.Single(reads.Distinct());
        Assert.Equal(40, Statuses(reads[0]).Length);
        foreach (var db in contexts)
        {
            await db.DisposeAsync();
        }
    }

    [Fact]
    public async Task Should_not_answer_a_read_with_a_shared_full_read_older_than_the_version_it_found()
    {
        using var admin = await system.ClientAsync("admin", "admin");
        var showtimeId = await admin.CreateShowtimeIdAsync(null, ("A", 2));
        using var seatMaps = NewSeatMaps();
        var fullReads = new SlowFullReads(afterReading: true);
        var options = OptionsWith(fullReads);
        await using var first = new BookingDbContext(options);
        await using var second = new BookingDbContext(options);
        var now = DateTime.UtcNow;

        // The first read's full read has its rows (version 0) and is held back; then the version moves, and a second
        // read that finds the new version arrives while the first full read is still in progress.
        var firstRead = seatMaps.ReadAsync(first, showtimeId, now, CancellationToken.None);
        await BookingSystemFixture.WaitUntilAsync(() => fullReads.Count == 1, TimeSpan.FromSeconds(5));
        await Sql.ExecuteAsync(system.Postgres, "UPDATE showtimes SET version = version + 1 WHERE id = @id", showtimeId);
        var secondRead = await seatMaps.ReadAsync(second, showtimeId, now, CancellationToken.None);

        Assert.Equal(0, (await firstRead)!.Version);
        Assert.Equal(1, secondRead!.Version);
    }

    /// <summary>Contexts on the test database outside the ingress, with <paramref name="interceptor"/> watching them.</summary>
    private DbContextOptions<BookingDbContext> OptionsWith(IInterceptor interceptor) =>
        new DbContextOptionsBuilder<BookingDbContext>()
            .UseBookingPostgres(system.Postgres)
            .AddInterceptors(interceptor)
            .Options;

    /// <summary>
    /// Counts the commands, and the seat map's full reads (the only reads of seat rows here), which it holds back a moment.
    /// </summary>
    /// <remarks>With <paramref name="afterReading"/>, a full read is held back once its rows are read, else before.</remarks>
    private sealed class SlowFullReads(bool afterReading = false) : DbCommandInterceptor
    {
        private static readonly TimeSpan Delay = TimeSpan.FromMilliseconds(500);
        private int _count;
        private int _commands;

        public int Count => Volatile.Read(ref _count);

        public int Commands => Volatile.Read(ref _commands);

        public override async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
            DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _commands);
            if (!afterReading)
            {
                await HoldBackAsync(command, cancellationToken);
            }

            return result;
        }

        public override async ValueTask<DbDataReader> ReaderExecutedAsync(
            DbCommand command, CommandExecutedEventData eventData, DbDataReader result, CancellationToken cancellationToken = default)
        {
            if (afterReading)
            {
                await HoldBackAsync(command, cancellationToken);
            }

            return result;
        }

        private async Task HoldBackAsync(DbCommand command, CancellationToken cancellationToken)
        {
            if (IsFullRead(command))
            {
                Interlocked.Increment(ref _count);
                await Task.Delay(Delay, cancellationToken);
            }
        }

        private static bool IsFullRead(DbCommand command) => command.CommandText.Contains("seat_id", StringComparison.Ordinal);
    }

    private JsonSerializerOptions JsonOptions => system.Ingress.Services.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;

    private SeatMaps NewSeatMaps() => new(system.Ingress.Services.GetRequiredService<IOptions<JsonOptions>>());

    private string[] Statuses(SeatMapSnapshot? snapshot) =>
        [.. JsonSerializer.Deserialize<SeatMapResponse>(snapshot!.Json, JsonOptions)!.Seats.Select(s => s.Status)];
}

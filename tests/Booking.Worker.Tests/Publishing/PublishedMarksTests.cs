using Booking.Testing;
using Booking.Worker.Publishing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Booking.Worker.Tests.Publishing;

[Collection(SystemCollection.Name)]
public sealed class PublishedMarksTests(BookingSystemFixture system)
{
    [Fact]
    public async Task Should_mark_a_change_published_soon_after_its_events_went_out()
    {
        using var admin = await system.ClientAsync("admin", "admin");
        using var alice = await system.ClientAsync("alice");
        var showtimeId = await admin.CreateShowtimeIdAsync(null, ("A", 2));
        var bookingId = await alice.HoldAcceptedAsync(showtimeId, "A1");
        await alice.WaitForStatusAsync(bookingId);

        await BookingSystemFixture.WaitUntilAsync(async () => (await ReadAsync(bookingId)).Published == 1, TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Should_mark_only_the_version_that_was_published_when_a_newer_one_is_stored()
    {
        using var admin = await system.ClientAsync("admin", "admin");
        using var alice = await system.ClientAsync("alice");
        var showtimeId = await admin.CreateShowtimeIdAsync(null, ("A", 2));
        var bookingId = await alice.HoldAcceptedAsync(showtimeId, "A1");
        await alice.WaitForStatusAsync(bookingId);
        await BookingSystemFixture.WaitUntilAsync(async () => (await ReadAsync(bookingId)).Published == 1, TimeSpan.FromSeconds(5));
        // An instance of its own, so the worker's running one cannot take these marks first.
        var marks = ActivatorUtilities.CreateInstance<PublishedMarks>(system.Worker.Services);
        // Version 2 is stored and not yet published when version 1's mark arrives late. Changed just now, so the
        // worker's sweeper leaves it alone for seconds.
        await ExecuteAsync("UPDATE bookings SET version = 2, published_version = 0, updated_at = now() WHERE id = @id", bookingId);

        marks.Add(bookingId, 1);
        await marks.FlushAsync(CancellationToken.None);
        var afterLateMark = await ReadAsync(bookingId);
        marks.Add(bookingId, 2);
        await marks.FlushAsync(CancellationToken.None);

        Assert.Equal((2L, 0L), afterLateMark);
        Assert.Equal((2L, 2L), await ReadAsync(bookingId));
    }

    private async Task<(long Version, long Published)> ReadAsync(Guid bookingId)
    {
        await using var connection = new NpgsqlConnection(system.Postgres);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT version, published_version FROM bookings WHERE id = @id", connection);
        command.Parameters.AddWithValue("id", bookingId);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    private async Task ExecuteAsync(string sql, Guid bookingId)
    {
        await using var connection = new NpgsqlConnection(system.Postgres);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("id", bookingId);
        await command.ExecuteNonQueryAsync();
    }
}

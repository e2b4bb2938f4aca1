using System.Diagnostics;
using System.Text.Json.Nodes;
using Booking.Testing;
using Npgsql;

namespace Booking.LoadTest.Data;

/// <summary>A booking row as the load generator reads it after the run.</summary>
public sealed record StoredBooking(Guid Id, string Status, string? Reason, DateTime CreatedAt, DateTime UpdatedAt);

/// <summary>
/// Reads the truth after a run, straight from PostgreSQL: the stored outcome of every accepted request, the commit
/// timestamps, and the invariants of DESIGN.md (the same checks as <c>tests/Booking.Testing/Invariants.cs</c>, over a
/// set of showtimes, reporting instead of asserting).
/// </summary>
public sealed class BookingDatabase(string connectionString)
{
    /// <summary>Waits until every id has a stored row, or the timeout.</summary>
    public async Task WaitForStoredAsync(IReadOnlyCollection<Guid> ids, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var array = ids.ToArray();
        var started = Stopwatch.GetTimestamp();
        await using var connection = await OpenAsync(cancellationToken);
        while (true)
        {
            await using var command = new NpgsqlCommand("SELECT count(*) FROM bookings WHERE id = ANY(@ids)", connection);
            command.Parameters.AddWithValue("ids", array);
            var stored = (int)(long)(await command.ExecuteScalarAsync(cancellationToken))!;
            if (stored >= array.Length || Stopwatch.GetElapsedTime(started) >= timeout)
            {
                return;
            }

            await Task.Delay(250, cancellationToken);
        }
    }

    /// <summary>Waits until none of these bookings has the status <paramref name="notStatus"/> any more, or the timeout.</summary>
    public async Task WaitForStatusAsync(IReadOnlyCollection<Guid> ids, string notStatus, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var array = ids.ToArray();
        var started = Stopwatch.GetTimestamp();
        await using var connection = await OpenAsync(cancellationToken);
        while (Stopwatch.GetElapsedTime(started) < timeout)
        {
            await using var command = new NpgsqlCommand("SELECT count(*) FROM bookings WHERE id = ANY(@ids) AND status = @status", connection);
            command.Parameters.AddWithValue("ids", array);
            command.Parameters.AddWithValue("status", notStatus);
            if ((long)(await command.ExecuteScalarAsync(cancellationToken))! == 0)
            {
                return;
            }

            await Task.Delay(250, cancellationToken);
        }
    }

    public async Task<Dictionary<Guid, StoredBooking>> ReadBookingsAsync(IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            "SELECT id, status, reason, created_at, updated_at FROM bookings WHERE id = ANY(@ids)", connection);
        command.Parameters.AddWithValue("ids", ids.ToArray());
        var result = new Dictionary<Guid, StoredBooking>(ids.Count);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var booking = new StoredBooking(
                reader.GetGuid(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2),
                reader.GetDateTime(3), reader.GetDateTime(4));
            result[booking.Id] = booking;
        }

        return result;
    }

    /// <summary>Seats of the showtimes that are held (and not lapsed) or sold.</summary>
    public async Task<long> TakenSeatsAsync(IReadOnlyCollection<Guid> showtimeIds, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("""
            SELECT count(*) FROM seats
            WHERE showtime_id = ANY(@showtimes) AND (status = 'Sold' OR (status = 'Held' AND hold_expires_at > now()))
            """, connection);
        command.Parameters.AddWithValue("showtimes", showtimeIds.ToArray());
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>
    /// Holds committed per second by the worker's own timestamps (<c>created_at</c> is the instant the worker applied
    /// the request): the overall rate from the first to the last hold, and the busiest and median whole seconds.
    /// </summary>
    public async Task<JsonObject> CommitRateAsync(IReadOnlyCollection<Guid> showtimeIds, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("""
            SELECT date_trunc('second', created_at) AS second, count(*), min(created_at), max(created_at)
            FROM bookings WHERE showtime_id = ANY(@showtimes) AND status IN ('Held', 'Confirmed', 'Cancelled', 'Expired')
            GROUP BY 1 ORDER BY 1
            """, connection);
        command.Parameters.AddWithValue("showtimes", showtimeIds.ToArray());
        var perSecond = new List<long>();
        DateTime? first = null, last = null;
        long total = 0;
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var count = reader.GetInt64(1);
                perSecond.Add(count);
                total += count;
                first ??= reader.GetDateTime(2);
                last = reader.GetDateTime(3);
            }
        }

        var span = first is { } f && last is { } l ? (l - f).TotalSeconds : 0;
        // Whole seconds only: the first and the last are partial.
        var whole = perSecond.Count > 2 ? perSecond.Skip(1).SkipLast(1).Order().ToList() : [];
        return new JsonObject
        {
            ["holds"] = total,
            ["firstCommit"] = first,
            ["lastCommit"] = last,
            ["spanSeconds"] = Math.Round(span, 3),
            ["holdsPerSecond"] = span > 0 ? Math.Round(total / span, 1) : null,
            ["busiestSecond"] = whole.Count > 0 ? whole[^1] : null,
            ["medianSecond"] = whole.Count > 0 ? whole[whole.Count / 2] : null,
        };
    }

    /// <summary>
    /// The invariants over the showtimes (<see cref="InvariantChecks"/>, the same checks the tests assert): the
    /// violations, at most 20 examples of each kind, and how many accepted requests have a stored row. The load sends
    /// only well-formed requests, so a booking rejected as <c>processing_failed</c> (a request the worker could not
    /// apply) counts as a violation here too; the tests, which send poison requests on purpose, do not count it.
    /// </summary>
    public async Task<InvariantReport> CheckInvariantsAsync(
        IReadOnlyCollection<Guid> showtimeIds, IReadOnlyCollection<Guid> accepted, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var report = await InvariantChecks.FindAsync(connection, showtimeIds, accepted, cancellationToken);
        await using var command = new NpgsqlCommand(
            "SELECT count(*) FROM bookings WHERE showtime_id = ANY(@showtimes) AND reason = 'processing_failed'", connection);
        command.Parameters.AddWithValue("showtimes", showtimeIds.ToArray());
        var failed = (long)(await command.ExecuteScalarAsync(cancellationToken))!;
        if (failed > 0)
        {
            report.Violations.Add($"{failed} well-formed requests were rejected as processing_failed (see the worker's log)");
        }

        return report;
    }

    private async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }
}

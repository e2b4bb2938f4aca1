using System.Diagnostics;
using System.Text.Json.Nodes;
using Npgsql;

namespace Booking.LoadTest.Data;

/// <summary>A booking row as the load generator reads it after the run.</summary>
public sealed record StoredBooking(Guid Id, string Status, string? Reason, DateTime CreatedAt, DateTime UpdatedAt, int Seats);

/// <summary>
/// Reads the truth after a run, straight from PostgreSQL: the stored outcome of every accepted request, the commit
/// timestamps, and the invariants of DESIGN.md (the same checks as <c>tests/Booking.Testing/Invariants.cs</c>, over a
/// set of showtimes, reporting instead of asserting).
/// </summary>
public sealed class BookingDatabase(string connectionString)
{
    /// <summary>How many of the accepted requests had a stored row at the last <see cref="CheckInvariantsAsync"/>.</summary>
    public int StoredAtCheck { get; private set; }

    /// <summary>Waits until every id has a stored row, or the timeout; returns how many have one.</summary>
    public async Task<int> WaitForStoredAsync(IReadOnlyCollection<Guid> ids, TimeSpan timeout, CancellationToken cancellationToken)
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
                return stored;
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
            "SELECT id, status, reason, created_at, updated_at, cardinality(seat_ids) FROM bookings WHERE id = ANY(@ids)", connection);
        command.Parameters.AddWithValue("ids", ids.ToArray());
        var result = new Dictionary<Guid, StoredBooking>(ids.Count);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var booking = new StoredBooking(
                reader.GetGuid(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2),
                reader.GetDateTime(3), reader.GetDateTime(4), reader.GetInt32(5));
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
    /// The invariants over the showtimes: no seat claimed by two active bookings, seat rows and bookings agree both
    /// ways, every accepted request has a stored row, and no stored row is <c>pending</c>. Returns the violations
    /// (at most 20 examples of each kind); empty when all hold.
    /// </summary>
    public async Task<List<string>> CheckInvariantsAsync(
        IReadOnlyCollection<Guid> showtimeIds, IReadOnlyCollection<Guid> accepted, CancellationToken cancellationToken)
    {
        var showtimes = showtimeIds.ToArray();
        await using var connection = await OpenAsync(cancellationToken);
        var violations = new List<string>();

        violations.AddRange(await ListAsync(connection, """
            SELECT 'seat ' || showtime_id || '/' || seat || ' claimed by ' || count(*) || ' active bookings' FROM (
              SELECT showtime_id, unnest(seat_ids) AS seat FROM bookings
              WHERE showtime_id = ANY(@showtimes) AND status IN ('Held', 'Confirmed')) claims
            GROUP BY showtime_id, seat HAVING count(*) > 1 LIMIT 20
            """, showtimes, cancellationToken));

        violations.AddRange(await ListAsync(connection, """
            SELECT 'seat ' || s.showtime_id || '/' || s.seat_id || ' is ' || s.status || ' for ' || coalesce(b.status, 'no booking')
            FROM seats s LEFT JOIN bookings b ON b.id = s.booking_id
            WHERE s.showtime_id = ANY(@showtimes) AND (
              (s.status = 'Held' AND (b.status IS DISTINCT FROM 'Held' OR NOT s.seat_id = ANY(b.seat_ids))) OR
              (s.status = 'Sold' AND (b.status IS DISTINCT FROM 'Confirmed' OR NOT s.seat_id = ANY(b.seat_ids))) OR
              (s.status = 'Available' AND s.booking_id IS NOT NULL))
            LIMIT 20
            """, showtimes, cancellationToken));

        violations.AddRange(await ListAsync(connection, """
            SELECT 'booking ' || b.id || ' is ' || b.status || ' but seat ' || seat || ' is ' || coalesce(s.status, 'missing')
            FROM bookings b CROSS JOIN LATERAL unnest(b.seat_ids) AS seat
            LEFT JOIN seats s ON s.showtime_id = b.showtime_id AND s.seat_id = seat
            WHERE b.showtime_id = ANY(@showtimes) AND b.status IN ('Held', 'Confirmed') AND (
              s.booking_id IS DISTINCT FROM b.id OR
              s.status <> CASE b.status WHEN 'Held' THEN 'Held' ELSE 'Sold' END)
            LIMIT 20
            """, showtimes, cancellationToken));

        violations.AddRange(await ListAsync(connection, """
            SELECT 'booking ' || id || ' is stored as pending' FROM bookings
            WHERE showtime_id = ANY(@showtimes) AND status = 'Pending' LIMIT 20
            """, showtimes, cancellationToken));

        var stored = new HashSet<Guid>();
        await using (var command = new NpgsqlCommand("SELECT id FROM bookings WHERE id = ANY(@ids)", connection))
        {
            command.Parameters.AddWithValue("ids", accepted.ToArray());
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                stored.Add(reader.GetGuid(0));
            }
        }

        var missing = accepted.Where(id => !stored.Contains(id)).ToList();
        if (missing.Count > 0)
        {
            violations.Add($"{missing.Count} requests answered 202 have no stored outcome within the settle time (still queued, or lost), " +
                           $"e.g. {string.Join(", ", missing.Take(3))}");
        }

        StoredAtCheck = accepted.Count - missing.Count;
        return violations;
    }

    private async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    private static async Task<List<string>> ListAsync(
        NpgsqlConnection connection, string sql, Guid[] showtimes, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("showtimes", showtimes);
        var rows = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(reader.GetString(0));
        }

        return rows;
    }
}

using Npgsql;

namespace Booking.Testing;

/// <summary>What <see cref="InvariantChecks.FindAsync"/> found: the violations, and how many accepted requests are stored.</summary>
public sealed record InvariantReport(List<string> Violations, int Stored);

/// <summary>
/// The invariants of DESIGN.md as queries on the database rows themselves, over a set of showtimes: no seat claimed
/// by two active bookings, seat rows and booking statuses agree both ways, no row stored as <c>pending</c>, and every
/// accepted request reached a stored outcome. Shared by the tests (<c>Invariants</c>) and the load generator
/// (bench/Booking.LoadTest compiles this file too), so both check the same thing.
/// </summary>
public static class InvariantChecks
{
    /// <summary>Examples listed per kind of violation.</summary>
    private const int Examples = 20;

    public static async Task<InvariantReport> FindAsync(
        NpgsqlConnection connection, IReadOnlyCollection<Guid> showtimeIds, IReadOnlyCollection<Guid> accepted, CancellationToken cancellationToken = default)
    {
        var showtimes = showtimeIds.ToArray();
        var violations = new List<string>();

        // Active bookings (held or confirmed) must claim disjoint seats.
        violations.AddRange(await ListAsync(connection, """
            SELECT 'seat ' || showtime_id || '/' || seat || ' claimed by ' || count(*) || ' active bookings' FROM (
              SELECT showtime_id, unnest(seat_ids) AS seat FROM bookings
              WHERE showtime_id = ANY(@showtimes) AND status IN ('Held', 'Confirmed')) claims
            GROUP BY showtime_id, seat HAVING count(*) > 1 LIMIT @examples
            """, showtimes, cancellationToken));

        // Every held or sold seat points at a booking whose status says so, and back.
        violations.AddRange(await ListAsync(connection, """
            SELECT 'seat ' || s.showtime_id || '/' || s.seat_id || ' is ' || s.status || ' for ' || coalesce(b.status, 'no booking')
            FROM seats s LEFT JOIN bookings b ON b.id = s.booking_id
            WHERE s.showtime_id = ANY(@showtimes) AND (
              (s.status = 'Held' AND (b.status IS DISTINCT FROM 'Held' OR NOT s.seat_id = ANY(b.seat_ids))) OR
              (s.status = 'Sold' AND (b.status IS DISTINCT FROM 'Confirmed' OR NOT s.seat_id = ANY(b.seat_ids))) OR
              (s.status = 'Available' AND s.booking_id IS NOT NULL))
            LIMIT @examples
            """, showtimes, cancellationToken));

        violations.AddRange(await ListAsync(connection, """
            SELECT 'booking ' || b.id || ' is ' || b.status || ' but seat ' || seat || ' is ' || coalesce(s.status, 'missing')
            FROM bookings b CROSS JOIN LATERAL unnest(b.seat_ids) AS seat
            LEFT JOIN seats s ON s.showtime_id = b.showtime_id AND s.seat_id = seat
            WHERE b.showtime_id = ANY(@showtimes) AND b.status IN ('Held', 'Confirmed') AND (
              s.booking_id IS DISTINCT FROM b.id OR
              s.status <> CASE b.status WHEN 'Held' THEN 'Held' ELSE 'Sold' END)
            LIMIT @examples
            """, showtimes, cancellationToken));

        violations.AddRange(await ListAsync(connection, """
            SELECT 'booking ' || id || ' is stored as pending' FROM bookings
            WHERE showtime_id = ANY(@showtimes) AND status = 'Pending' LIMIT @examples
            """, showtimes, cancellationToken));

        // Every 202 reached a stored outcome.
        var stored = new HashSet<Guid>();
        await using (var command = new NpgsqlCommand("SELECT id FROM bookings WHERE id = ANY(@ids) AND showtime_id = ANY(@showtimes)", connection))
        {
            command.Parameters.AddWithValue("ids", accepted.ToArray());
            command.Parameters.AddWithValue("showtimes", showtimes);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                stored.Add(reader.GetGuid(0));
            }
        }

        var missing = accepted.Where(id => !stored.Contains(id)).ToList();
        if (missing.Count > 0)
        {
            violations.Add($"{missing.Count} requests answered 202 have no stored outcome (still queued, or lost), " +
                           $"e.g. {string.Join(", ", missing.Take(3))}");
        }

        return new InvariantReport(violations, accepted.Count - missing.Count);
    }

    private static async Task<List<string>> ListAsync(
        NpgsqlConnection connection, string sql, Guid[] showtimes, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("showtimes", showtimes);
        command.Parameters.AddWithValue("examples", Examples);
        var rows = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(reader.GetString(0));
        }

        return rows;
    }
}

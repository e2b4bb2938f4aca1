using Npgsql;
using Xunit;

namespace Booking.Testing;

/// <summary>
/// The invariants of DESIGN.md checked on the database rows themselves: no seat held or sold by two bookings, seat
/// rows and booking statuses agree, and every accepted request reached a stored outcome.
/// </summary>
public static class Invariants
{
    /// <summary>Asserts every invariant for one showtime; <paramref name="accepted"/> are the bookings answered 202.</summary>
    public static async Task AssertHoldAsync(string postgres, Guid showtimeId, IReadOnlyCollection<Guid> accepted)
    {
        await using var connection = new NpgsqlConnection(postgres);
        await connection.OpenAsync();

        // Active bookings (held or confirmed) must claim disjoint seats.
        var doubleClaims = await ListAsync(connection, """
            SELECT seat || ' claimed by ' || count(*) FROM (
              SELECT unnest(seat_ids) AS seat FROM bookings
              WHERE showtime_id = @showtime AND status IN ('Held', 'Confirmed')) claims
            GROUP BY seat HAVING count(*) > 1
            """, showtimeId);
        Assert.True(doubleClaims.Count == 0, "Seats claimed by two active bookings: " + string.Join("; ", doubleClaims));

        // Every held or sold seat points at a booking whose status says so, and back.
        var seatMismatches = await ListAsync(connection, """
            SELECT s.seat_id || ' is ' || s.status || ' for ' || coalesce(b.status, 'no booking')
            FROM seats s LEFT JOIN bookings b ON b.id = s.booking_id
            WHERE s.showtime_id = @showtime AND (
              (s.status = 'Held' AND (b.status IS DISTINCT FROM 'Held' OR NOT s.seat_id = ANY(b.seat_ids))) OR
              (s.status = 'Sold' AND (b.status IS DISTINCT FROM 'Confirmed' OR NOT s.seat_id = ANY(b.seat_ids))) OR
              (s.status = 'Available' AND s.booking_id IS NOT NULL))
            """, showtimeId);
        Assert.True(seatMismatches.Count == 0, "Seat rows disagree with bookings: " + string.Join("; ", seatMismatches));

        var bookingMismatches = await ListAsync(connection, """
            SELECT b.id || ' is ' || b.status || ' but seat ' || seat || ' is ' || coalesce(s.status, 'missing')
            FROM bookings b CROSS JOIN LATERAL unnest(b.seat_ids) AS seat
            LEFT JOIN seats s ON s.showtime_id = b.showtime_id AND s.seat_id = seat
            WHERE b.showtime_id = @showtime AND b.status IN ('Held', 'Confirmed') AND (
              s.booking_id IS DISTINCT FROM b.id OR
              s.status <> CASE b.status WHEN 'Held' THEN 'Held' ELSE 'Sold' END)
            """, showtimeId);
        Assert.True(bookingMismatches.Count == 0, "Bookings disagree with seat rows: " + string.Join("; ", bookingMismatches));

        // Every 202 reached a stored outcome.
        var stored = await ListAsync(connection, "SELECT id::text FROM bookings WHERE showtime_id = @showtime", showtimeId);
        var missing = accepted.Select(id => id.ToString()).Except(stored).ToList();
        Assert.True(missing.Count == 0, $"{missing.Count} accepted bookings have no stored outcome: {string.Join(", ", missing.Take(10))}");
    }

    private static async Task<List<string>> ListAsync(NpgsqlConnection connection, string sql, Guid showtimeId)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("showtime", showtimeId);
        var rows = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add(reader.GetString(0));
        }

        return rows;
    }
}

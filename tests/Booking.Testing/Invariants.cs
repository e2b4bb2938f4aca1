using Npgsql;
using Xunit;

namespace Booking.Testing;

/// <summary>
/// Asserts the invariants of DESIGN.md (<see cref="InvariantChecks"/>) on the database rows themselves: no seat held
/// or sold by two bookings, seat rows and booking statuses agree, and every accepted request reached a stored outcome.
/// </summary>
public static class Invariants
{
    /// <summary>Asserts every invariant for one showtime; <paramref name="accepted"/> are the bookings answered 202.</summary>
    public static async Task AssertHoldAsync(string postgres, Guid showtimeId, IReadOnlyCollection<Guid> accepted)
    {
        await using var connection = new NpgsqlConnection(postgres);
        await connection.OpenAsync();
        var report = await InvariantChecks.FindAsync(connection, [showtimeId], accepted);
        Assert.True(report.Violations.Count == 0, "Invariants broken: " + string.Join("; ", report.Violations));
    }
}

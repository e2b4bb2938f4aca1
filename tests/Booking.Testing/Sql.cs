using Booking.Core.Data;
using Npgsql;

namespace Booking.Testing;

/// <summary>One statement against the test database, with the row's id as <c>@id</c> where given: for reading and setting up rows.</summary>
public static class Sql
{
    public static T Scalar<T>(string connectionString, string sql, Guid? id = null)
    {
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        if (id is { } value)
        {
            command.Parameters.AddWithValue("id", value);
        }

        return (T)command.ExecuteScalar()!;
    }

    /// <summary>How many bookings of the showtime are stored, in <paramref name="status"/> when one is given.</summary>
    public static int CountBookings(string connectionString, Guid showtimeId, BookingStatus? status = null) =>
        (int)Scalar<long>(
            connectionString,
            "SELECT count(*) FROM bookings WHERE showtime_id = @id" + (status is { } stored ? $" AND status = '{stored}'" : ""),
            showtimeId);

    /// <summary>A booking's status, its version, and the version whose events were marked published.</summary>
    public static (string Status, long Version, long Published) Publication(string connectionString, Guid bookingId)
    {
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        using var command = new NpgsqlCommand("SELECT status, version, published_version FROM bookings WHERE id = @id", connection);
        command.Parameters.AddWithValue("id", bookingId);
        using var reader = command.ExecuteReader();
        return reader.Read()
            ? (reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2))
            : throw new InvalidOperationException($"Booking {bookingId} is not stored.");
    }

    public static async Task ExecuteAsync(string connectionString, string sql, Guid id)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("id", id);
        await command.ExecuteNonQueryAsync();
    }
}

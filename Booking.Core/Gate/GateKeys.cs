namespace Booking.Core.Gate;

/// <summary>
/// Key names of the Redis gate: <c>seat:{showtimeId}:seatId</c>. The braces are a Redis Cluster hash tag, so all
/// seats of one showtime live in one slot and one Lua script can check them together.
/// </summary>
public static class GateKeys
{
    public static string For(Guid showtimeId, string seatId) => $"seat:{{{showtimeId:N}}}:{seatId}";
}

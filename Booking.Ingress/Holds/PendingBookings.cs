using System.Text.Json;
using Booking.Contracts;
using Microsoft.Extensions.Caching.Distributed;
using StackExchange.Redis;

namespace Booking.Ingress.Holds;

/// <summary>
/// Remembers accepted hold requests until the worker has applied them, so <c>GET /api/bookings/{id}</c> answers
/// <c>pending</c> rather than 404 in between. Kept in the distributed cache (Redis, or memory in standalone), never
/// in the database: the ingress writes no booking rows. Losing it costs only that brief <c>pending</c> answer.
/// </summary>
public sealed class PendingBookings(IDistributedCache cache)
{
    private static readonly DistributedCacheEntryOptions Lifetime = new() { AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(15) };

    public Task RememberAsync(RequestSeatHold command, CancellationToken cancellationToken) =>
        cache.SetAsync(Key(command.BookingId), JsonSerializer.SerializeToUtf8Bytes(command), Lifetime, cancellationToken);

    /// <summary>The pending request, or null; also null when Redis cannot be reached (then it reads as unknown).</summary>
    public async Task<RequestSeatHold?> FindAsync(Guid bookingId, CancellationToken cancellationToken)
    {
        try
        {
            var bytes = await cache.GetAsync(Key(bookingId), cancellationToken);
            return bytes is null ? null : JsonSerializer.Deserialize<RequestSeatHold>(bytes);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            return null;
        }
    }

    public Task ForgetAsync(Guid bookingId, CancellationToken cancellationToken) => cache.RemoveAsync(Key(bookingId), cancellationToken);

    private static string Key(Guid bookingId) => $"booking:pending:{bookingId:N}";
}

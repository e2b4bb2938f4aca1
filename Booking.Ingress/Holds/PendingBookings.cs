using System.Text.Json;
using Booking.Contracts;
using Microsoft.Extensions.Caching.Memory;
using StackExchange.Redis;

namespace Booking.Ingress.Holds;

/// <summary>
/// Remembers accepted hold requests until the worker has applied them, so <c>GET /api/bookings/{id}</c> answers
/// <c>pending</c> rather than 404 in between. Kept in Redis when the ingress has it (one <c>SET</c> with a TTL, visible
/// to every ingress), otherwise in this process's memory (standalone); never in the database: the ingress writes no
/// booking rows. Losing it costs only that brief <c>pending</c> answer.
/// </summary>
/// <remarks>
/// It was kept through <c>IDistributedCache</c>, which writes a hash and its expiry as two commands; every accepted
/// hold pays for this write, and one plain command instead of two raised many-sales by about a tenth (BENCHMARKS.md).
/// </remarks>
public sealed class PendingBookings(IMemoryCache memory, IConnectionMultiplexer? redis = null)
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(15);

    public Task RememberAsync(RequestSeatHold command, CancellationToken cancellationToken)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(command);
        if (redis is null)
        {
            memory.Set(Key(command.BookingId), bytes, Lifetime);
            return Task.CompletedTask;
        }

        return redis.GetDatabase().StringSetAsync(Key(command.BookingId), bytes, Lifetime).WaitAsync(cancellationToken);
    }

    /// <summary>The pending request, or null; also null when Redis cannot be reached (then it reads as unknown).</summary>
    public async Task<RequestSeatHold?> FindAsync(Guid bookingId, CancellationToken cancellationToken)
    {
        try
        {
            byte[]? bytes = redis is null
                ? memory.Get<byte[]>(Key(bookingId))
                : await redis.GetDatabase().StringGetAsync(Key(bookingId)).WaitAsync(cancellationToken);
            return bytes is null ? null : JsonSerializer.Deserialize<RequestSeatHold>(bytes);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            return null;
        }
    }

    public Task ForgetAsync(Guid bookingId, CancellationToken cancellationToken)
    {
        if (redis is null)
        {
            memory.Remove(Key(bookingId));
            return Task.CompletedTask;
        }

        return redis.GetDatabase().KeyDeleteAsync(Key(bookingId)).WaitAsync(cancellationToken);
    }

    /// <summary>A key of its own, not the hash that <c>IDistributedCache</c> kept under <c>booking:pending:</c>.</summary>
    private static string Key(Guid bookingId) => $"booking:pending-hold:{bookingId:N}";
}

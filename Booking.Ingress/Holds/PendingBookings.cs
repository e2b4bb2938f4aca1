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
/// Copies of a request with an <c>Idempotency-Key</c> share its booking id, so a refused copy forgets only the record
/// it wrote itself.
/// </remarks>
public sealed class PendingBookings(IMemoryCache memory, IConnectionMultiplexer? redis = null)
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(15);

    /// <summary>Deletes the record only if it is still the one this request wrote, not a later request's.</summary>
    private const string ForgetScript = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then
            return redis.call('DEL', KEYS[1])
        end
        return 0
        """;

    /// <summary>Makes the in-memory forget's comparison and removal one step against writes, as the script does in Redis.</summary>
    private readonly Lock _memoryLock = new();

    public Task RememberAsync(RequestSeatHold command, CancellationToken cancellationToken)
    {
        var bytes = Serialize(command);
        if (redis is null)
        {
            lock (_memoryLock)
            {
                memory.Set(Key(command.BookingId), bytes, Lifetime);
            }

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

    /// <summary>Forgets the record of <paramref name="command"/> if it is still that request's own, not another's.</summary>
    public Task ForgetAsync(RequestSeatHold command, CancellationToken cancellationToken)
    {
        var bytes = Serialize(command);
        if (redis is null)
        {
            lock (_memoryLock)
            {
                if (memory.TryGetValue(Key(command.BookingId), out byte[]? recorded) && recorded.AsSpan().SequenceEqual(bytes))
                {
                    memory.Remove(Key(command.BookingId));
                }
            }

            return Task.CompletedTask;
        }

        return redis.GetDatabase().ScriptEvaluateAsync(ForgetScript, [Key(command.BookingId)], [bytes]).WaitAsync(cancellationToken);
    }

    /// <summary>One way to write a record, so that a request's forget compares the very bytes it wrote.</summary>
    private static byte[] Serialize(RequestSeatHold command) => JsonSerializer.SerializeToUtf8Bytes(command);

    /// <summary>A key of its own, not the hash that <c>IDistributedCache</c> kept under <c>booking:pending:</c>.</summary>
    private static string Key(Guid bookingId) => $"booking:pending-hold:{bookingId:N}";
}

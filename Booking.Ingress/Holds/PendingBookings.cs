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
/// A request with an <c>Idempotency-Key</c> is recorded by <see cref="ClaimAsync"/> instead, before the gate, so that
/// of two requests for one booking id exactly one is recorded first and the other can be compared with it.
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

    /// <summary>Makes the in-memory claim's look-up and write one step; Redis does that for the shared record.</summary>
    private readonly Lock _memoryClaims = new();

    public Task RememberAsync(RequestSeatHold command, CancellationToken cancellationToken)
    {
        var bytes = Serialize(command);
        if (redis is null)
        {
            memory.Set(Key(command.BookingId), bytes, Lifetime);
            return Task.CompletedTask;
        }

        return redis.GetDatabase().StringSetAsync(Key(command.BookingId), bytes, Lifetime).WaitAsync(cancellationToken);
    }

    /// <summary>
    /// Records <paramref name="command"/> unless a request for its booking id is already recorded, in one step: of
    /// requests for one id sent at the same moment, exactly one is recorded. Returns the request recorded before, or
    /// null when this one is now the record. Throws when Redis cannot be reached.
    /// </summary>
    public async Task<RequestSeatHold?> ClaimAsync(RequestSeatHold command, CancellationToken cancellationToken)
    {
        var bytes = Serialize(command);
        if (redis is null)
        {
            lock (_memoryClaims)
            {
                if (memory.TryGetValue(Key(command.BookingId), out byte[]? recorded))
                {
                    return Deserialize(recorded!);
                }

                memory.Set(Key(command.BookingId), bytes, Lifetime);
                return null;
            }
        }

        var earlier = await redis.GetDatabase()
            .StringSetAndGetAsync(Key(command.BookingId), bytes, Lifetime, keepTtl: false, When.NotExists)
            .WaitAsync(cancellationToken);
        return earlier.IsNull ? null : Deserialize(earlier!);
    }

    /// <summary>The pending request, or null; also null when Redis cannot be reached (then it reads as unknown).</summary>
    public async Task<RequestSeatHold?> FindAsync(Guid bookingId, CancellationToken cancellationToken)
    {
        try
        {
            byte[]? bytes = redis is null
                ? memory.Get<byte[]>(Key(bookingId))
                : await redis.GetDatabase().StringGetAsync(Key(bookingId)).WaitAsync(cancellationToken);
            return bytes is null ? null : Deserialize(bytes);
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
            lock (_memoryClaims)
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

    private static byte[] Serialize(RequestSeatHold command) => JsonSerializer.SerializeToUtf8Bytes(command);

    private static RequestSeatHold? Deserialize(byte[] bytes) => JsonSerializer.Deserialize<RequestSeatHold>(bytes);

    /// <summary>A key of its own, not the hash that <c>IDistributedCache</c> kept under <c>booking:pending:</c>.</summary>
    private static string Key(Guid bookingId) => $"booking:pending-hold:{bookingId:N}";
}

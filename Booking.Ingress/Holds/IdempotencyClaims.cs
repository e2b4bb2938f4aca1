using System.Text.Json;
using Booking.Contracts;
using Microsoft.Extensions.Caching.Memory;
using StackExchange.Redis;

namespace Booking.Ingress.Holds;

/// <summary>
/// Binds an <c>Idempotency-Key</c>'s booking id to the first request body sent with it, in one step (<c>SET NX GET</c>
/// in Redis, a lock in memory), so that of requests with one key and different bodies sent at the same moment exactly
/// one goes on. A binding is never undone, whatever the request's outcome, and lasts a day: after a <c>409</c> or a
/// <c>503</c>, the key still belongs to its first body. Once the first body's command is in the queue the binding says
/// so, and later copies are answered <c>202</c> without sending again.
/// </summary>
/// <remarks>Needs Redis 7.0 or later (<c>NX</c> together with <c>GET</c>).</remarks>
public sealed class IdempotencyClaims(IMemoryCache memory, IConnectionMultiplexer? redis = null)
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromDays(1);
    private const string Open = "open\n";
    private const string Sent = "sent\n";

    /// <summary>Marks the binding sent only while it is this body's open one, keeping its time to live.</summary>
    private const string MarkSentScript = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then
            return redis.call('SET', KEYS[1], ARGV[2], 'KEEPTTL')
        end
        return false
        """;

    /// <summary>Held in memory only when there is no Redis (standalone): one process, one lock.</summary>
    private readonly Lock _memoryLock = new();

    /// <summary>Throws when Redis cannot be reached.</summary>
    public async Task<IdempotencyClaim> ClaimAsync(RequestSeatHold command, CancellationToken cancellationToken)
    {
        var body = Body(command);
        string? earlier;
        if (redis is null)
        {
            lock (_memoryLock)
            {
                if (!memory.TryGetValue(Key(command.BookingId), out earlier))
                {
                    memory.Set(Key(command.BookingId), Open + body, Lifetime);
                }
            }
        }
        else
        {
            earlier = await redis.GetDatabase()
                .StringSetAndGetAsync(Key(command.BookingId), Open + body, Lifetime, keepTtl: false, When.NotExists)
                .WaitAsync(cancellationToken);
        }

        return earlier switch
        {
            null => IdempotencyClaim.First,
            _ when earlier == Sent + body => IdempotencyClaim.CopyOfSent,
            _ when earlier == Open + body => IdempotencyClaim.CopyOfOpen,
            _ => IdempotencyClaim.OtherBody,
        };
    }

    /// <summary>
    /// Records that a command with this body is in the queue, if the key is still bound to this body: a binding Redis
    /// lost, and another body took meanwhile, stays that body's. Sent without waiting for Redis's reply (fire and
    /// forget), so an accepted keyed hold pays no round trip for it; a mark that is lost costs only a later copy's
    /// second send, which the worker applies once. Commands on one connection keep their order, so this ingress's
    /// next claim of the key sees the mark.
    /// </summary>
    public void MarkSent(RequestSeatHold command)
    {
        var body = Body(command);
        if (redis is null)
        {
            lock (_memoryLock)
            {
                if (memory.TryGetValue(Key(command.BookingId), out string? bound) && bound == Open + body)
                {
                    memory.Set(Key(command.BookingId), Sent + body, Lifetime);
                }
            }

            return;
        }

        redis.GetDatabase().ScriptEvaluate(MarkSentScript, [Key(command.BookingId)], [Open + body, Sent + body], CommandFlags.FireAndForget);
    }

    /// <summary>
    /// Whether two requests for one key are the same: the showtime, the set of (normalized) seats, in any order, and
    /// the callback.
    /// </summary>
    public static bool IsSameBody(RequestSeatHold one, RequestSeatHold other) => Body(one) == Body(other);

    private static string Body(RequestSeatHold command) =>
        JsonSerializer.Serialize(new { command.ShowtimeId, SeatIds = command.SeatIds.Order(StringComparer.Ordinal), command.CallbackUrl });

    private static string Key(Guid bookingId) => $"booking:idempotency:{bookingId:N}";
}

/// <summary>What <see cref="IdempotencyClaims.ClaimAsync"/> found.</summary>
public enum IdempotencyClaim
{
    /// <summary>The key was free: this request is its first body.</summary>
    First,

    /// <summary>The same body is on its way and not yet in the queue: this copy sends too, so its 202 rests on its own send.</summary>
    CopyOfOpen,

    /// <summary>The same body is in the queue: answer 202 at once.</summary>
    CopyOfSent,

    /// <summary>The key belongs to another body: 422.</summary>
    OtherBody,
}

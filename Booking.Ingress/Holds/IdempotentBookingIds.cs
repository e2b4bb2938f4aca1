using System.Security.Cryptography;
using System.Text;

namespace Booking.Ingress.Holds;

/// <summary>
/// Booking ids for requests with an <c>Idempotency-Key</c>: derived from the customer and the key, so every retry
/// of a request, however many race, names the same booking. The gate lets the same owner through again and the
/// worker applies a booking id once, so the retries collapse into one booking without any shared lock.
/// </summary>
public static class IdempotentBookingIds
{
    public const int MaxKeyLength = 200;

    public static Guid For(string customerId, string idempotencyKey)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes($"booking-idempotency\n{customerId}\n{idempotencyKey}"), hash);
        // RFC 9562 version 8 (custom) with the variant bits set, so the value is a well-formed UUID.
        hash[6] = (byte)((hash[6] & 0x0F) | 0x80);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash[..16], bigEndian: true);
    }
}

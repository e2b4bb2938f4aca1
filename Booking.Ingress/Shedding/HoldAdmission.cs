using Microsoft.Extensions.Options;

namespace Booking.Ingress.Shedding;

/// <summary>
/// The rate at which this ingress lets holds in (<see cref="SheddingOptions.MaxHoldsPerSecond"/>): a token bucket
/// that holds one second of the rate, full at the start. Each hold takes a token before any I/O, so a refusal costs
/// about what a trivial request does; a hold the gate then refuses (409) gives its token back, so a herd's refusals
/// do not use up the rate.
/// </summary>
/// <remarks>
/// Not <c>System.Threading.RateLimiting.TokenBucketRateLimiter</c> (which the per-customer limit uses): it cannot take
/// a token back, and the give-back is what lets the gate's refusals through without spending the rate.
/// </remarks>
public sealed class HoldAdmission(IOptions<SheddingOptions> options, TimeProvider clock)
{
    private readonly int _rate = options.Value.MaxHoldsPerSecond;
    private readonly Lock _lock = new();
    private double _tokens = options.Value.MaxHoldsPerSecond;
    private long _refilledAt = clock.GetTimestamp();

    /// <summary>Takes a token; false when the bucket is empty. Always true when no rate is set.</summary>
    public bool TryTake()
    {
        if (_rate == 0)
        {
            return true;
        }

        lock (_lock)
        {
            Refill();
            if (_tokens < 1)
            {
                return false;
            }

            _tokens -= 1;
            return true;
        }
    }

    /// <summary>Whether a token is there, without taking it. Always true when no rate is set.</summary>
    public bool HasRoom()
    {
        if (_rate == 0)
        {
            return true;
        }

        lock (_lock)
        {
            Refill();
            return _tokens >= 1;
        }
    }

    /// <summary>Gives back the token of a hold that was not let through after all.</summary>
    public void GiveBack()
    {
        if (_rate == 0)
        {
            return;
        }

        lock (_lock)
        {
            Refill();
            _tokens = Math.Min(_rate, _tokens + 1);
        }
    }

    private void Refill()
    {
        var now = clock.GetTimestamp();
        _tokens = Math.Min(_rate, _tokens + (clock.GetElapsedTime(_refilledAt, now).TotalSeconds * _rate));
        _refilledAt = now;
    }
}

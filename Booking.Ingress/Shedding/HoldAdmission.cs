using Microsoft.Extensions.Options;

namespace Booking.Ingress.Shedding;

/// <summary>
/// The rate at which this ingress lets holds in (<see cref="SheddingOptions.MaxHoldsPerSecond"/>): a token bucket
/// that holds one second of the rate. Each hold takes a token before any I/O, so a refusal costs about what a trivial
/// request does; a hold the gate then refuses (409) gives its token back, so a herd's refusals do not use up the rate.
/// </summary>
public sealed class HoldAdmission(IOptions<SheddingOptions> options, TimeProvider clock)
{
    private readonly Lock _lock = new();
    private double _tokens = double.NaN;
    private long _refilledAt;

    /// <summary>Takes a token; false when the bucket is empty. Always true when no rate is set.</summary>
    public bool TryTake()
    {
        var rate = options.Value.MaxHoldsPerSecond;
        if (rate == 0)
        {
            return true;
        }

        lock (_lock)
        {
            Refill(rate);
            if (_tokens < 1)
            {
                return false;
            }

            _tokens -= 1;
            return true;
        }
    }

    /// <summary>Gives back the token of a hold that was not let through after all.</summary>
    public void GiveBack()
    {
        var rate = options.Value.MaxHoldsPerSecond;
        if (rate == 0)
        {
            return;
        }

        lock (_lock)
        {
            Refill(rate);
            _tokens = Math.Min(rate, _tokens + 1);
        }
    }

    private void Refill(int rate)
    {
        var now = clock.GetTimestamp();
        _tokens = double.IsNaN(_tokens)
            ? rate
            : Math.Min(rate, _tokens + (clock.GetElapsedTime(_refilledAt, now).TotalSeconds * rate));
        _refilledAt = now;
    }
}

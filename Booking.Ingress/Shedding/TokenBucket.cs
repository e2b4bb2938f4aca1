namespace Booking.Ingress.Shedding;

/// <summary>
/// A token bucket refilled when it is used, not by a timer: each call first adds the tokens the time since the last
/// call brought, up to the capacity. It starts full. Thread-safe.
/// </summary>
public sealed class TokenBucket(double capacity, double perSecond, TimeProvider clock)
{
    private readonly double _capacity = capacity;
    private readonly Lock _lock = new();
    private double _tokens = capacity;
    private long _refilledAt = clock.GetTimestamp();
    private bool _retired;

    /// <summary>Takes a token; false when the bucket is empty, or retired (<see cref="TryRetireIfFull"/>).</summary>
    public bool TryTake()
    {
        lock (_lock)
        {
            Refill();
            if (_retired || _tokens < 1)
            {
                return false;
            }

            _tokens -= 1;
            return true;
        }
    }

    /// <summary>Whether <see cref="TryTake"/> would give a token now, without taking it.</summary>
    public bool HasRoom()
    {
        lock (_lock)
        {
            Refill();
            return !_retired && _tokens >= 1;
        }
    }

    /// <summary>Gives back a token taken for work that did not go ahead after all; never past the capacity.</summary>
    public void GiveBack()
    {
        lock (_lock)
        {
            Refill();
            _tokens = Math.Min(_capacity, _tokens + 1);
        }
    }

    /// <summary>Whether <see cref="TryRetireIfFull"/> retired it: it then gives no more tokens.</summary>
    public bool IsRetired
    {
        get
        {
            lock (_lock)
            {
                return _retired;
            }
        }
    }

    /// <summary>
    /// Retires the bucket when it is full, and says whether it did. A full bucket is one that a new bucket would
    /// replace exactly, so its owner can drop it; retired, it refuses every token, so a caller that still holds it
    /// knows to take from its replacement instead.
    /// </summary>
    public bool TryRetireIfFull()
    {
        lock (_lock)
        {
            Refill();
            _retired |= _tokens >= _capacity;
            return _retired;
        }
    }

    private void Refill()
    {
        var now = clock.GetTimestamp();
        _tokens = Math.Min(_capacity, _tokens + (clock.GetElapsedTime(_refilledAt, now).TotalSeconds * perSecond));
        _refilledAt = now;
    }
}

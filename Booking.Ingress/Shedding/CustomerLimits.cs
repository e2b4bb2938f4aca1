using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Booking.Ingress.Shedding;

/// <summary>
/// The per-customer limit on hold requests (<see cref="SheddingOptions.PerCustomerPerSecond"/>, with bursts of
/// <see cref="SheddingOptions.PerCustomerBurst"/>): a <see cref="TokenBucket"/> per customer, refilled when the
/// customer asks again. Once a minute the buckets that are full again are dropped: a new one would be the same.
/// </summary>
/// <remarks>
/// <para>
/// Not ASP.NET Core's rate-limiting middleware with a partition per customer: its limiters are kept and visited ten
/// times a second, all of them (the 36,000 customers of many-sales), and with the middleware's own work that cost the
/// ingress about a ninth of its CPU per hold in many-sales (BENCHMARKS.md). Here a request costs a dictionary lookup
/// and a lock, and the minute's visit is all that grows with the number of customers.
/// </para>
/// <para>
/// A bucket dropped while a request still holds it was retired first (<see cref="TokenBucket.TryRetireIfFull"/>), so
/// that request takes from the bucket that replaces it: a customer never gets more than the limit.
/// </para>
/// </remarks>
public sealed class CustomerLimits(IOptions<SheddingOptions> options, TimeProvider clock) : BackgroundService
{
    /// <summary>How often the buckets that are full again are dropped.</summary>
    private static readonly TimeSpan SweepInterval = TimeSpan.FromMinutes(1);

    private readonly int _burst = options.Value.PerCustomerBurst;
    private readonly int _perSecond = options.Value.PerCustomerPerSecond;
    private readonly ConcurrentDictionary<string, TokenBucket> _buckets = new(StringComparer.Ordinal);

    /// <summary>The customers with a bucket kept: those who asked since the last sweep, or are still refilling.</summary>
    public int Count => _buckets.Count;

    /// <summary>Takes one of <paramref name="customerId"/>'s tokens; false when the customer is over the limit.</summary>
    public bool TryTake(string customerId)
    {
        while (true)
        {
            // The factory takes its state as an argument, so a request allocates no closure.
            var bucket = _buckets.GetOrAdd(customerId, static (_, limits) => limits.NewBucket(), this);
            if (bucket.TryTake())
            {
                return true;
            }

            if (!bucket.IsRetired)
            {
                return false;
            }

            // Dropped by a sweep meanwhile (it was full): take from the bucket that replaces it.
            _buckets.TryRemove(new KeyValuePair<string, TokenBucket>(customerId, bucket));
        }
    }

    private TokenBucket NewBucket() => new(_burst, _perSecond, clock);

    /// <summary>Drops the buckets that are full again; returns how many.</summary>
    public int Sweep()
    {
        var dropped = 0;
        foreach (var entry in _buckets)
        {
            if (entry.Value.TryRetireIfFull() && _buckets.TryRemove(entry))
            {
                dropped++;
            }
        }

        return dropped;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(SweepInterval, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                Sweep();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}

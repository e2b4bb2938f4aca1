using Booking.Ingress.Shedding;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Booking.Ingress.Tests.Shedding;

public sealed class CustomerLimitsTests
{
    [Fact]
    public void Should_let_a_customer_make_the_burst_at_once_and_then_the_rate()
    {
        var clock = new FakeTimeProvider();
        var limits = Limits(burst: 3, perSecond: 2, clock);

        Assert.Equal(3, TakeAll(limits, "greedy"));
        Assert.Equal(3, TakeAll(limits, "other"));

        clock.Advance(TimeSpan.FromMilliseconds(500));
        Assert.Equal(1, TakeAll(limits, "greedy"));

        // A quiet minute fills the bucket to the burst, no more.
        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(3, TakeAll(limits, "greedy"));
    }

    [Fact]
    public void Should_drop_only_the_buckets_that_are_full_again()
    {
        var clock = new FakeTimeProvider();
        var limits = Limits(burst: 3, perSecond: 2, clock);
        Assert.Equal(3, TakeAll(limits, "greedy"));
        Assert.True(limits.TryTake("calm"));

        clock.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(1, limits.Sweep());
        Assert.Equal(1, limits.Count);
        // The greedy customer's bucket was kept: two tokens came back in the second, not the whole burst.
        Assert.Equal(2, TakeAll(limits, "greedy"));
        Assert.Equal(3, TakeAll(limits, "calm"));
    }

    [Fact]
    public void Should_refuse_tokens_from_a_retired_bucket_and_retire_only_a_full_one()
    {
        var clock = new FakeTimeProvider();
        var bucket = new TokenBucket(capacity: 2, perSecond: 1, clock);
        Assert.True(bucket.TryTake());

        Assert.False(bucket.TryRetireIfFull());
        Assert.True(bucket.TryTake());

        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.True(bucket.TryRetireIfFull());
        Assert.True(bucket.IsRetired);
        Assert.False(bucket.HasRoom());
        Assert.False(bucket.TryTake());
    }

    [Fact]
    public async Task Should_never_give_a_customer_more_than_the_burst_while_buckets_are_swept()
    {
        // The clock stands still, so no token comes back: however sweeps and takes interleave, a customer gets the
        // burst and no more. Each taker starts at another quarter of the customers, so sweeps fall between the takes
        // of one customer.
        var limits = Limits(burst: 2, perSecond: 1, new FakeTimeProvider());
        var customers = Enumerable.Range(0, 20_000).Select(n => $"customer-{n}").ToList();
        var sweeps = 0;
        using var stop = new CancellationTokenSource();
        var sweeper = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                limits.Sweep();
                Interlocked.Increment(ref sweeps);
            }
        });
        SpinWait.SpinUntil(() => Volatile.Read(ref sweeps) > 0);

        var granted = await Task.WhenAll(Enumerable.Range(0, 4).Select(taker => Task.Run(() =>
        {
            var counts = new int[customers.Count];
            for (var n = 0; n < customers.Count; n++)
            {
                var i = (n + (taker * customers.Count / 4)) % customers.Count;
                counts[i] = Enumerable.Range(0, 3).Count(_ => limits.TryTake(customers[i]));
            }

            return counts;
        })));
        stop.Cancel();
        await sweeper;

        Assert.True(sweeps > 1);
        Assert.All(customers.Select((_, i) => granted.Sum(counts => counts[i])), total => Assert.Equal(2, total));
    }

    private static CustomerLimits Limits(int burst, int perSecond, TimeProvider clock) =>
        new(Options.Create(new SheddingOptions { PerCustomerBurst = burst, PerCustomerPerSecond = perSecond }), clock);

    private static int TakeAll(CustomerLimits limits, string customerId)
    {
        var taken = 0;
        while (limits.TryTake(customerId))
        {
            taken++;
        }

        return taken;
    }
}

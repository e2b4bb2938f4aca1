using Microsoft.Extensions.Options;

namespace Booking.Ingress.Shedding;

/// <summary>
/// The rate at which this ingress lets holds in (<see cref="SheddingOptions.MaxHoldsPerSecond"/>): a token bucket
/// that holds one second of the rate, full at the start. Each hold takes a token before any I/O, so a refusal costs
/// about what a trivial request does; a hold the gate then refuses (409) gives its token back, so a herd's refusals
/// do not use up the rate.
/// </summary>
public sealed class HoldAdmission(IOptions<SheddingOptions> options, TimeProvider clock)
{
    private readonly TokenBucket? _bucket = options.Value.MaxHoldsPerSecond is > 0 and var rate ? new TokenBucket(rate, rate, clock) : null;

    /// <summary>Takes a token; false when the bucket is empty. Always true when no rate is set.</summary>
    public bool TryTake() => _bucket?.TryTake() ?? true;

    /// <summary>Whether a token is there, without taking it. Always true when no rate is set.</summary>
    public bool HasRoom() => _bucket?.HasRoom() ?? true;

    /// <summary>Gives back the token of a hold that was not let through after all.</summary>
    public void GiveBack() => _bucket?.GiveBack();
}

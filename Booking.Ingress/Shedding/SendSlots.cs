using Booking.Core.Telemetry;
using Microsoft.Extensions.Options;

namespace Booking.Ingress.Shedding;

/// <summary>
/// Bounds the commands this ingress has on their way to the broker at once (<see cref="SheddingOptions.MaxSendsInProgress"/>).
/// A request that finds no free slot is refused with 503 and <c>Retry-After</c> at once, instead of waiting behind
/// sends that an overloaded broker (or database) is already late with. Only requests headed for the broker take a
/// slot: a herd's gate checks end in Redis and are never refused here.
/// </summary>
public sealed class SendSlots(IOptions<SheddingOptions> options, BookingMetrics metrics)
{
    private int _inProgress;

    /// <summary>A slot, or null when all are taken (counted as shed). Dispose the slot when the send is done.</summary>
    public Slot? TryTake()
    {
        if (Interlocked.Increment(ref _inProgress) <= options.Value.MaxSendsInProgress)
        {
            return new Slot(this);
        }

        Interlocked.Decrement(ref _inProgress);
        metrics.RequestShed("sends_in_progress");
        return null;
    }

    /// <summary>A taken slot; disposing it frees the slot.</summary>
    public sealed class Slot(SendSlots owner) : IDisposable
    {
        private int _freed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _freed, 1) == 0)
            {
                Interlocked.Decrement(ref owner._inProgress);
            }
        }
    }
}

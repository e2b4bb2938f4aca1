using Booking.Core;
using Booking.Core.Partitioning;
using Booking.Core.Telemetry;
using Booking.Ingress.Apis;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Booking.Ingress.Shedding;

/// <summary>
/// Refuses a hold with 503 and <c>Retry-After</c> while its showtime's partition queue is past its bound
/// (<see cref="PartitionQueueDepths"/>) or this ingress's hold rate is used up (<see cref="HoldAdmission"/>). It looks
/// twice: <see cref="SheddingExtensions.UseEarlyHoldShedding"/> looks before authentication, the per-customer limit
/// and the body, so that in a tenfold overload most requests cost what a trivial request does; the endpoint looks
/// again and takes the hold's token.
/// </summary>
public sealed class HoldShedding(PartitionQueueDepths queues, HoldAdmission admission, BookingMetrics metrics, IOptions<BookingOptions> options)
{
    /// <summary>The refusal, if any, without taking a token: for the look before authentication.</summary>
    public ProblemHttpResult? Look(HttpContext http, Guid showtimeId) => Refusal(http, showtimeId, admission.HasRoom);

    /// <summary>The refusal, if any; when there is none, the hold has taken its token.</summary>
    public ProblemHttpResult? Admit(HttpContext http, Guid showtimeId) => Refusal(http, showtimeId, admission.TryTake);

    private ProblemHttpResult? Refusal(HttpContext http, Guid showtimeId, Func<bool> admit)
    {
        if (queues.IsOverloaded(ShowtimePartitions.PartitionOf(showtimeId, options.Value.Partitions)))
        {
            metrics.RequestShed("queue_depth");
            return HoldsApi.ServiceUnavailable(http, "The sale is busier than the booking workers can keep up with; nothing was accepted.", retryAfterSeconds: 1);
        }

        if (!admit())
        {
            metrics.RequestShed("hold_rate");
            return HoldsApi.ServiceUnavailable(http, "The sale is busier than this service takes holds; nothing was accepted.", retryAfterSeconds: 1);
        }

        return null;
    }
}

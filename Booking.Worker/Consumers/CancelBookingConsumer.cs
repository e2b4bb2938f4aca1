using Booking.Contracts;
using Booking.Core.Data;
using Booking.Worker.Holds;
using Booking.Worker.Publishing;
using MassTransit;

namespace Booking.Worker.Consumers;

/// <summary>
/// Cancels a held booking and frees its seats. A booking in any other status is left as it is and its outcome
/// published again (a sold seat is not given back by a cancel).
/// </summary>
public sealed class CancelBookingConsumer(HeldBookings held, OutcomePublisher outcomes) : IConsumer<CancelBooking>
{
    public async Task Consume(ConsumeContext<CancelBooking> context)
    {
        var booking = await held.ChangeAsync(
            context.Message.BookingId,
            context.Message.CustomerId,
            (booking, showtime, seats, now) => BookingTransitions.End(booking, BookingStatus.Cancelled, null, showtime, seats, now),
            context.CancellationToken);

        if (booking is not null)
        {
            await outcomes.PublishAsync(context, [booking], context.CancellationToken);
        }
    }
}

using Booking.Contracts;
using Booking.Core.Bookings;
using Booking.Core.Data;
using Booking.Worker.Holds;
using Booking.Worker.Publishing;
using MassTransit;

namespace Booking.Worker.Consumers;

/// <summary>
/// Sells a held booking's seats, or rejects it with reason <c>expired</c> when its hold lapsed first. A booking
/// already in a final status is left as it is and its outcome published again.
/// </summary>
public sealed class ConfirmBookingConsumer(HeldBookings held, OutcomePublisher outcomes) : IConsumer<ConfirmBooking>
{
    public async Task Consume(ConsumeContext<ConfirmBooking> context)
    {
        var booking = await held.ChangeAsync(context.Message.BookingId, context.Message.CustomerId, (booking, showtime, seats, now) =>
        {
            if (booking.HoldExpiresAt > now)
            {
                BookingTransitions.Sell(booking, showtime, seats, now);
            }
            else
            {
                BookingTransitions.End(booking, BookingStatus.Rejected, RejectionReasons.Expired, showtime, seats, now);
            }
        }, context.CancellationToken);

        if (booking is not null)
        {
            await outcomes.PublishAsync(context, [booking], context.CancellationToken);
        }
    }
}

using Booking.Contracts;
using Booking.Core.Bookings;
using Booking.Core.Data;
using Booking.Worker.Holds;
using MassTransit;

namespace Booking.Worker.Consumers;

/// <summary>
/// Sells a held booking's seats, or rejects it with reason <c>expired</c> when its hold lapsed first. A booking
/// already in a final status is left as it is and its outcome published again.
/// </summary>
public sealed class ConfirmBookingConsumer(HeldBookingCommands commands) : IConsumer<ConfirmBooking>
{
    public Task Consume(ConsumeContext<ConfirmBooking> context) =>
        commands.RunAsync(context, new HeldBookingChange(context.Message.BookingId, context.Message.CustomerId, SellOrExpire));

    internal static void SellOrExpire(BookingRecord booking, Showtime showtime, IReadOnlyList<Seat> seats, DateTime now)
    {
        if (booking.HoldExpiresAt > now)
        {
            BookingTransitions.Sell(booking, showtime, seats, now);
        }
        else
        {
            BookingTransitions.End(booking, BookingStatus.Rejected, RejectionReasons.Expired, showtime, seats, now);
        }
    }
}

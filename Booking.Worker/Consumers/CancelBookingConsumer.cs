using Booking.Contracts;
using Booking.Core.Data;
using Booking.Worker.Holds;
using MassTransit;

namespace Booking.Worker.Consumers;

/// <summary>
/// Cancels a held booking and frees its seats. A booking in any other status is left as it is and its outcome
/// published again (a sold seat is not given back by a cancel).
/// </summary>
public sealed class CancelBookingConsumer(HeldBookingCommands commands) : IConsumer<CancelBooking>
{
    public Task Consume(ConsumeContext<CancelBooking> context) =>
        commands.RunAsync(context, new HeldBookingChange(context.Message.BookingId, context.Message.CustomerId, Cancel));

    internal static void Cancel(BookingRecord booking, Showtime showtime, IReadOnlyList<Seat> seats, DateTime now) =>
        BookingTransitions.End(booking, BookingStatus.Cancelled, null, showtime, seats, now);
}

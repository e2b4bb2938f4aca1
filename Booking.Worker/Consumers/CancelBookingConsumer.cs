using Booking.Contracts;
using Booking.Core.Data;
using Booking.Worker.Holds;
using Booking.Worker.Publishing;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace Booking.Worker.Consumers;

/// <summary>
/// Cancels a held booking and frees its seats. A booking in any other status is left as it is and its outcome
/// published again (a sold seat is not given back by a cancel).
/// </summary>
public sealed class CancelBookingConsumer(BookingDbContext db, OutcomePublisher outcomes, WriteRetry retry, TimeProvider clock)
    : IConsumer<CancelBooking>
{
    public async Task Consume(ConsumeContext<CancelBooking> context)
    {
        var command = context.Message;
        var changed = await retry.RunAsync(async () =>
        {
            var booking = await db.Bookings.FirstOrDefaultAsync(
                b => b.Id == command.BookingId && b.CustomerId == command.CustomerId, context.CancellationToken);
            if (booking is null || booking.Status != BookingStatus.Held)
            {
                return booking;
            }

            var showtime = await db.Showtimes.SingleAsync(s => s.Id == booking.ShowtimeId, context.CancellationToken);
            var seats = await db.Seats.Where(s => s.BookingId == booking.Id).ToListAsync(context.CancellationToken);
            BookingTransitions.End(booking, BookingStatus.Cancelled, null, showtime, seats, clock.GetUtcNow().UtcDateTime);
            await db.SaveChangesAsync(context.CancellationToken);
            return booking;
        }, context.CancellationToken);

        if (changed is not null)
        {
            await outcomes.PublishAsync(context, [changed], context.CancellationToken);
        }
    }
}

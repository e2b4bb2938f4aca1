using Booking.Contracts;
using Booking.Core.Bookings;
using Booking.Core.Data;
using Booking.Worker.Holds;
using Booking.Worker.Publishing;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace Booking.Worker.Consumers;

/// <summary>
/// Sells a held booking's seats, or rejects it with reason <c>expired</c> when its hold lapsed first. A booking
/// already in a final status is left as it is and its outcome published again.
/// </summary>
public sealed class ConfirmBookingConsumer(BookingDbContext db, OutcomePublisher outcomes, WriteRetry retry, TimeProvider clock)
    : IConsumer<ConfirmBooking>
{
    public async Task Consume(ConsumeContext<ConfirmBooking> context)
    {
        var command = context.Message;
        var changed = await retry.RunAsync(async () =>
        {
            var now = clock.GetUtcNow().UtcDateTime;
            var booking = await db.Bookings.FirstOrDefaultAsync(
                b => b.Id == command.BookingId && b.CustomerId == command.CustomerId, context.CancellationToken);
            if (booking is null || booking.Status != BookingStatus.Held)
            {
                return booking;
            }

            var showtime = await db.Showtimes.SingleAsync(s => s.Id == booking.ShowtimeId, context.CancellationToken);
            var seats = await db.Seats.Where(s => s.BookingId == booking.Id).ToListAsync(context.CancellationToken);
            if (booking.HoldExpiresAt > now)
            {
                BookingTransitions.Sell(booking, showtime, seats, now);
            }
            else
            {
                BookingTransitions.End(booking, BookingStatus.Rejected, RejectionReasons.Expired, showtime, seats, now);
            }

            await db.SaveChangesAsync(context.CancellationToken);
            return booking;
        }, context.CancellationToken);

        if (changed is not null)
        {
            await outcomes.PublishAsync(context, [changed], context.CancellationToken);
        }
    }
}

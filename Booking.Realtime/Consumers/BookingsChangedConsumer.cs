using Booking.Contracts;
using Booking.Core.Bookings;
using Booking.Realtime.Hubs;
using MassTransit;
using Microsoft.AspNetCore.SignalR;

namespace Booking.Realtime.Consumers;

/// <summary>
/// Sends the changes of one worker commit on, each on its own, on every instance through the backplane: every seat
/// change to the showtime's watchers, and every booking's new status to its owner's connections only. The sends run
/// at once; watchers put a showtime's changes back in order by their version. A retry after a failed send sends the
/// others again, which receivers drop as duplicates.
/// </summary>
public sealed class BookingsChangedConsumer(IHubContext<BookingHub, IBookingClient> hub) : IConsumer<BookingsChanged>
{
    public Task Consume(ConsumeContext<BookingsChanged> context) => Task.WhenAll(
        context.Message.Seats
            .Select(change => hub.Clients.Group(BookingHub.ShowtimeGroup(change.ShowtimeId)).SeatsChanged(change))
            .Concat(context.Message.Bookings
                .Select(change => hub.Clients.User(change.CustomerId).BookingUpdated(BookingView.From(change)))));
}

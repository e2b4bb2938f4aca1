using Booking.Contracts;
using Booking.Realtime.Hubs;
using MassTransit;
using Microsoft.AspNetCore.SignalR;

namespace Booking.Realtime.Consumers;

/// <summary>Sends a showtime's seat changes to its watchers, on every instance through the backplane.</summary>
public sealed class SeatsChangedConsumer(IHubContext<BookingHub, IBookingClient> hub) : IConsumer<SeatsChanged>
{
    public Task Consume(ConsumeContext<SeatsChanged> context) =>
        hub.Clients.Group(BookingHub.ShowtimeGroup(context.Message.ShowtimeId)).SeatsChanged(context.Message);
}

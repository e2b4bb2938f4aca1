using Booking.Contracts;
using Booking.Core.Bookings;
using Booking.Realtime.Hubs;
using MassTransit;
using Microsoft.AspNetCore.SignalR;

namespace Booking.Realtime.Consumers;

/// <summary>Sends a booking's new status to its owner's connections only, on every instance through the backplane.</summary>
public sealed class BookingStatusChangedConsumer(IHubContext<BookingHub, IBookingClient> hub) : IConsumer<BookingStatusChanged>
{
    public Task Consume(ConsumeContext<BookingStatusChanged> context) =>
        hub.Clients.User(context.Message.CustomerId).BookingUpdated(BookingView.From(context.Message));
}

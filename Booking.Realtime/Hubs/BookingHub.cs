using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;

namespace Booking.Realtime.Hubs;

/// <summary>
/// The realtime hub at <c>/hubs/booking</c>. Clients watch showtimes to get their seat changes, and get the changes
/// of their own bookings without asking. The token may come as the <c>access_token</c> query parameter.
/// </summary>
[Authorize]
public sealed class BookingHub : Hub<IBookingClient>
{
    /// <summary>The hub's route.</summary>
    public const string Path = "/hubs/booking";

    /// <summary>Starts sending the showtime's <see cref="IBookingClient.SeatsChanged"/> to this connection.</summary>
    public Task WatchShowtime(Guid showtimeId) =>
        Groups.AddToGroupAsync(Context.ConnectionId, ShowtimeGroup(showtimeId), Context.ConnectionAborted);

    /// <summary>Stops sending the showtime's seat changes to this connection.</summary>
    public Task UnwatchShowtime(Guid showtimeId) =>
        Groups.RemoveFromGroupAsync(Context.ConnectionId, ShowtimeGroup(showtimeId), Context.ConnectionAborted);

    /// <summary>The group of a showtime's watchers.</summary>
    public static string ShowtimeGroup(Guid showtimeId) => $"showtime:{showtimeId:N}";
}

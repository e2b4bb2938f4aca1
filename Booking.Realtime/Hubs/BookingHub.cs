using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace Booking.Realtime.Hubs;

/// <summary>
/// The realtime hub at <c>/hubs/booking</c>. Clients watch showtimes to get their seat changes, and get the changes
/// of their own bookings without asking. The token may come as the <c>access_token</c> query parameter.
/// </summary>
/// <remarks>
/// A connection watches at most <see cref="RealtimeOptions.MaxWatchedShowtimes"/> showtimes at once; past it
/// <see cref="WatchShowtime"/> fails with a <see cref="HubException"/> whose message the client sees. The watched set
/// lives in the connection's items, which SignalR's default of one invocation at a time per client keeps consistent.
/// </remarks>
[Authorize]
public sealed class BookingHub(IOptions<RealtimeOptions> options) : Hub<IBookingClient>
{
    /// <summary>The hub's route.</summary>
    public const string Path = "/hubs/booking";

    /// <summary>Starts sending the showtime's <see cref="IBookingClient.SeatsChanged"/> to this connection.</summary>
    public async Task WatchShowtime(Guid showtimeId)
    {
        var watched = Watched();
        var limit = options.Value.MaxWatchedShowtimes;
        if (!watched.Contains(showtimeId) && watched.Count >= limit)
        {
            throw new HubException($"A connection watches at most {limit} showtimes at once; unwatch one first.");
        }

        await Groups.AddToGroupAsync(Context.ConnectionId, ShowtimeGroup(showtimeId), Context.ConnectionAborted);
        watched.Add(showtimeId);
    }

    /// <summary>Stops sending the showtime's seat changes to this connection.</summary>
    public async Task UnwatchShowtime(Guid showtimeId)
    {
        await Groups.RemoveFromGroupAsync(Context.ConnectionId, ShowtimeGroup(showtimeId), Context.ConnectionAborted);
        Watched().Remove(showtimeId);
    }

    /// <summary>The group of a showtime's watchers.</summary>
    public static string ShowtimeGroup(Guid showtimeId) => $"showtime:{showtimeId:N}";

    private HashSet<Guid> Watched()
    {
        if (Context.Items.TryGetValue(nameof(Watched), out var items) && items is HashSet<Guid> watched)
        {
            return watched;
        }

        watched = [];
        Context.Items[nameof(Watched)] = watched;
        return watched;
    }
}

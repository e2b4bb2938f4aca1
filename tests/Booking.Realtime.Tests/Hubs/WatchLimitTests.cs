using Booking.Realtime.Hubs;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace Booking.Realtime.Tests.Hubs;

[Collection(RealtimeCollection.Name)]
public sealed class WatchLimitTests(RealtimeSystemFixture fixture)
{
    [Fact]
    public async Task Should_refuse_one_more_showtime_until_one_is_unwatched_when_a_connection_watches_the_most_it_may()
    {
        var instance = await fixture.StartRealtimeAsync(new Dictionary<string, string?> { ["Realtime:MaxWatchedShowtimes"] = "3" });
        using var http = await fixture.System.ClientAsync($"watcher-{Guid.NewGuid():N}");
        var token = http.Http.DefaultRequestHeaders.Authorization!.Parameter!;
        await using var watcher = await HubClient.ConnectAsync(instance, token);
        await using var other = await HubClient.ConnectAsync(instance, token);
        var showtimes = Enumerable.Range(0, 4).Select(_ => Guid.NewGuid()).ToArray();
        foreach (var showtimeId in showtimes[..3])
        {
            await watcher.WatchAsync(showtimeId);
            await other.WatchAsync(showtimeId);
        }

        await watcher.WatchAsync(showtimes[0]);
        var refused = await Assert.ThrowsAsync<HubException>(() => watcher.WatchAsync(showtimes[3]));
        Assert.Contains("at most 3 showtimes", refused.Message);
        await watcher.Connection.InvokeAsync(nameof(BookingHub.UnwatchShowtime), showtimes[1]);
        await watcher.WatchAsync(showtimes[3]);
        await Assert.ThrowsAsync<HubException>(() => watcher.WatchAsync(showtimes[1]));
    }
}

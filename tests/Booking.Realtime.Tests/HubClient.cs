using System.Collections.Concurrent;
using System.Text.Json;
using Booking.Realtime.Hubs;
using Booking.Testing;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace Booking.Realtime.Tests;

/// <summary>
/// A hub client as an app would have one: connected to one Realtime instance with a customer's token, recording the
/// <c>SeatsChanged</c> and <c>BookingUpdated</c> messages it gets as JSON. Long polling, because the test server has
/// no WebSockets.
/// </summary>
public sealed class HubClient : IAsyncDisposable
{
    private HubClient(HubConnection connection)
    {
        Connection = connection;
        connection.On<JsonElement>(nameof(IBookingClient.SeatsChanged), change => SeatChanges.Enqueue(change));
        connection.On<JsonElement>(nameof(IBookingClient.BookingUpdated), booking => BookingUpdates.Enqueue(booking));
    }

    public HubConnection Connection { get; }

    public ConcurrentQueue<JsonElement> SeatChanges { get; } = new();

    public ConcurrentQueue<JsonElement> BookingUpdates { get; } = new();

    /// <summary>
    /// A connection that is not started yet; <paramref name="token"/> null sends none. Long polling unless told
    /// otherwise; server-sent events work too.
    /// </summary>
    public static HubConnection Build(
        ServiceHost<RealtimeApp> instance, string? token, HttpTransportType transport = HttpTransportType.LongPolling) =>
        new HubConnectionBuilder()
            .WithUrl(new Uri(instance.Server.BaseAddress, BookingHub.Path), options =>
            {
                options.HttpMessageHandlerFactory = _ => instance.Server.CreateHandler();
                options.Transports = transport;
                if (token is not null)
                {
                    options.AccessTokenProvider = () => Task.FromResult<string?>(token);
                }
            })
            .Build();

    public static async Task<HubClient> ConnectAsync(ServiceHost<RealtimeApp> instance, string token)
    {
        var client = new HubClient(Build(instance, token));
        await client.Connection.StartAsync();
        return client;
    }

    public Task WatchAsync(Guid showtimeId) => Connection.InvokeAsync(nameof(BookingHub.WatchShowtime), showtimeId);

    /// <summary>Waits for a <c>BookingUpdated</c> of the booking with the given status.</summary>
    public async Task<JsonElement> WaitForBookingAsync(Guid bookingId, string status)
    {
        await BookingSystemFixture.WaitUntilAsync(() => BookingUpdates.Any(b => Is(b, bookingId, status)), TimeSpan.FromSeconds(30));
        return BookingUpdates.First(b => Is(b, bookingId, status));
    }

    public async ValueTask DisposeAsync() => await Connection.DisposeAsync();

    private static bool Is(JsonElement booking, Guid bookingId, string status) =>
        booking.GetProperty("bookingId").GetGuid() == bookingId && booking.GetProperty("status").GetString() == status;
}

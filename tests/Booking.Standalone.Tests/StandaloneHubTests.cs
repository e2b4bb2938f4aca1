using System.Collections.Concurrent;
using System.Text.Json;
using Booking.Testing;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace Booking.Standalone.Tests;

/// <summary>The hub of the standalone host: the worker's events reach it over the in-memory bus.</summary>
[Collection(StandaloneCollection.Name)]
public sealed class StandaloneHubTests(StandaloneFixture standalone)
{
    private static readonly TimeSpan EventTimeout = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task Should_send_the_seat_change_to_watchers_and_the_booking_to_its_owner_only_when_seats_are_held()
    {
        using var admin = await standalone.ClientAsync("admin", "admin");
        using var alice = await standalone.ClientAsync("alice");
        var showtimeId = await admin.CreateShowtimeIdAsync(null, ("A", 3));
        await using var aliceHub = await ConnectAsync("alice");
        await using var bobHub = await ConnectAsync("bob");
        await bobHub.Connection.InvokeAsync("WatchShowtime", showtimeId);

        var bookingId = await alice.HoldAcceptedAsync(showtimeId, "A1", "A2");

        var change = await bobHub.NextAsync("SeatsChanged");
        Assert.Equal(showtimeId, change.GetProperty("showtimeId").GetGuid());
        Assert.Equal(1, change.GetProperty("version").GetInt64());
        Assert.Equal(["A1:held", "A2:held"], change.GetProperty("seats").EnumerateArray()
            .Select(s => $"{s.GetProperty("seatId").GetString()}:{s.GetProperty("status").GetString()}"));
        var booking = await aliceHub.NextAsync("BookingUpdated");
        Assert.Equal(bookingId, booking.GetProperty("bookingId").GetGuid());
        Assert.Equal("held", booking.GetProperty("status").GetString());
        Assert.Empty(bobHub.Received("BookingUpdated"));
        Assert.Empty(aliceHub.Received("SeatsChanged"));
    }

    private async Task<HubClient> ConnectAsync(string subject)
    {
        using var http = standalone.CreateAnonymousClient();
        var token = await TestTokens.MintAsync(http, subject);
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(standalone.Host.Server.BaseAddress, "/hubs/booking"), options =>
            {
                options.HttpMessageHandlerFactory = _ => standalone.Host.Server.CreateHandler();
                options.Transports = HttpTransportType.LongPolling;
                options.AccessTokenProvider = () => Task.FromResult<string?>(token);
            })
            .Build();
        var client = new HubClient(connection);
        connection.On<JsonElement>("SeatsChanged", e => client.Add("SeatsChanged", e));
        connection.On<JsonElement>("BookingUpdated", e => client.Add("BookingUpdated", e));
        await connection.StartAsync();
        return client;
    }

    private sealed class HubClient(HubConnection connection) : IAsyncDisposable
    {
        private readonly ConcurrentQueue<(string Method, JsonElement Body)> _received = new();

        public HubConnection Connection => connection;

        public void Add(string method, JsonElement body) => _received.Enqueue((method, body));

        public IReadOnlyList<JsonElement> Received(string method) => [.. _received.Where(r => r.Method == method).Select(r => r.Body)];

        public async Task<JsonElement> NextAsync(string method)
        {
            await BookingSystemFixture.WaitUntilAsync(() => Received(method).Count > 0, EventTimeout);
            return Received(method)[0];
        }

        public ValueTask DisposeAsync() => connection.DisposeAsync();
    }
}

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Booking.LoadTest.Observe;

/// <summary>One seat in a <c>SeatsChanged</c> message.</summary>
public sealed record SeatChange(string SeatId, string Status);

/// <summary>The hub's <c>SeatsChanged</c>.</summary>
public sealed record SeatsChangedMessage(Guid ShowtimeId, long Version, List<SeatChange> Seats);

/// <summary>The hub's <c>BookingUpdated</c> (the <c>GET /api/bookings/{id}</c> body), as far as the load generator reads it.</summary>
public sealed record BookingUpdatedMessage(Guid BookingId, Guid ShowtimeId, string Status, string? Reason, long Version);

/// <summary>When each status of a booking was first seen on the hub (<see cref="Stopwatch"/> ticks, 0 = not seen).</summary>
public sealed class SeenStatuses
{
    public long Held;
    public long Confirmed;
    public long Cancelled;
}

/// <summary>
/// Watches outcomes on the realtime hub, so latencies end when a client could see them, at the cost of one WebSocket
/// and one small message per change rather than repeated polls of the ingress.
/// <list type="bullet">
/// <item><see cref="WatchShowtimesAsync"/>: connections watching the showtimes' <c>SeatsChanged</c>. A hold is
/// matched to its request by its first seat; in the herd and many-sales runs every seat is held at most once, so the
/// match is exact.</item>
/// <item><see cref="ConnectOwnersAsync"/>: one connection per customer for <c>BookingUpdated</c>, which names the
/// booking: exact for any traffic, used by the mixed run.</item>
/// </list>
/// </summary>
public sealed class HubObserver(Uri realtime) : IAsyncDisposable
{
    /// <summary>
    /// One serializer setup for every connection. Each connection otherwise had options of its own, and System.Text.Json
    /// builds a type's metadata once per options instance: in the mixed run each customer's first <c>BookingUpdated</c>
    /// built it again, 200 times within the first second of the load, where a profile of the load generator showed
    /// the hub protocol binding its types.
    /// </summary>
    private static readonly JsonSerializerOptions PayloadJson = new(JsonSerializerDefaults.Web);

    private readonly List<HubConnection> _connections = [];
    private int _disconnects;

    /// <summary>First time each (showtime, first seat) was seen held.</summary>
    public ConcurrentDictionary<(Guid ShowtimeId, string SeatId), long> HeldSeats { get; } = new();

    /// <summary>First time each status of each booking was seen.</summary>
    public ConcurrentDictionary<Guid, SeenStatuses> Bookings { get; } = new();

    /// <summary>Called once per booking the first time it is seen held, with the owner's index.</summary>
    public Action<Guid, int>? OnHeld { get; set; }

    public int Messages;

    public int Disconnects => Volatile.Read(ref _disconnects);

    /// <summary>
    /// Waits until <paramref name="shown"/> is true of what the hub has shown, checking every 100 ms, for at most
    /// <paramref name="limit"/>: events trail the commits. Returns whether it came true.
    /// </summary>
    public async Task<bool> WaitUntilAsync(Func<HubObserver, bool> shown, TimeSpan limit, CancellationToken cancellationToken)
    {
        var until = Stopwatch.GetTimestamp() + (long)(limit.TotalSeconds * Stopwatch.Frequency);
        while (!shown(this))
        {
            if (Stopwatch.GetTimestamp() >= until)
            {
                return false;
            }

            await Task.Delay(100, cancellationToken);
        }

        return true;
    }

    /// <summary>
    /// Watches the showtimes, a connection per 1,000 of them: the hub lets a connection watch no more than
    /// <c>Realtime:MaxWatchedShowtimes</c>, 1,000 by default.
    /// </summary>
    public async Task WatchShowtimesAsync(string token, IReadOnlyList<Guid> showtimeIds, CancellationToken cancellationToken)
    {
        foreach (var chunk in showtimeIds.Chunk(1_000))
        {
            var connection = Build(token);
            connection.On<SeatsChangedMessage>("SeatsChanged", change =>
            {
                var now = Stopwatch.GetTimestamp();
                Interlocked.Increment(ref Messages);
                if (change.Seats is [var first, ..] && first.Status == "held")
                {
                    HeldSeats.TryAdd((change.ShowtimeId, first.SeatId), now);
                }
            });
            await StartAsync(connection, cancellationToken);
            foreach (var id in chunk)
            {
                await connection.InvokeAsync("WatchShowtime", id, cancellationToken);
            }
        }
    }

    public async Task ConnectOwnersAsync(IReadOnlyList<string> tokens, CancellationToken cancellationToken)
    {
        await Parallel.ForAsync(0, tokens.Count, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken },
            async (owner, ct) =>
            {
                var connection = Build(tokens[owner]);
                connection.On<BookingUpdatedMessage>("BookingUpdated", update =>
                {
                    var now = Stopwatch.GetTimestamp();
                    Interlocked.Increment(ref Messages);
                    var seen = Bookings.GetOrAdd(update.BookingId, static _ => new SeenStatuses());
                    switch (update.Status)
                    {
                        case "held":
                            if (Interlocked.CompareExchange(ref seen.Held, now, 0) == 0)
                            {
                                OnHeld?.Invoke(update.BookingId, owner);
                            }

                            break;
                        case "confirmed": Interlocked.CompareExchange(ref seen.Confirmed, now, 0); break;
                        case "cancelled": Interlocked.CompareExchange(ref seen.Cancelled, now, 0); break;
                    }
                });
                await StartAsync(connection, ct);
            });
    }

    public async ValueTask DisposeAsync()
    {
        List<HubConnection> connections;
        lock (_connections)
        {
            connections = [.. _connections];
            _connections.Clear();
        }

        await Parallel.ForEachAsync(connections, new ParallelOptions { MaxDegreeOfParallelism = 16 },
            async (connection, _) => await connection.DisposeAsync());
    }

    private HubConnection Build(string token)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(realtime, "/hubs/booking"), HttpTransportType.WebSockets, options =>
            {
                options.SkipNegotiation = true;
                options.AccessTokenProvider = () => Task.FromResult<string?>(token);
            })
            .AddJsonProtocol(options => options.PayloadSerializerOptions = PayloadJson)
            .Build();
        connection.ServerTimeout = TimeSpan.FromMinutes(2);
        connection.Closed += _ =>
        {
            Interlocked.Increment(ref _disconnects);
            return Task.CompletedTask;
        };
        lock (_connections)
        {
            _connections.Add(connection);
        }

        return connection;
    }

    private static async Task StartAsync(HubConnection connection, CancellationToken cancellationToken)
    {
        try
        {
            await connection.StartAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is HttpRequestException or System.Net.WebSockets.WebSocketException)
        {
            throw new InvalidOperationException($"Could not connect to the realtime hub: {ex.Message} (use --realtime none to observe outcomes in the database only)", ex);
        }
    }
}

using System.Diagnostics.Metrics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Booking.Contracts;
using Booking.Core.Data;
using Booking.Core.Messaging;
using Booking.Core.Partitioning;
using Booking.Testing;
using Booking.Worker.Callbacks;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using RabbitMQ.Client;

namespace Booking.Worker.Tests.Callbacks;

/// <summary>
/// Callbacks end to end: a worker with callbacks on (the fixture's own worker has no signing secret, so it leaves the
/// callbacks' queue alone) delivers to a receiver on a real server, which checks the signature as any receiver would.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class CallbackDeliveryTests(BookingSystemFixture system) : IAsyncLifetime
{
    /// <summary>A Standard Webhooks secret: whsec_ and the base64 of 32 bytes.</summary>
    private const string Secret = "whsec_MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";

    private const string ErrorQueueName = CallbackEndpoint.QueueName + "_error";

    private ServiceHost<WorkerApp> _worker = null!;

    public async Task InitializeAsync()
    {
        // Events of earlier test assemblies may wait in the queue; they belong to other databases.
        var factory = new ConnectionFactory { Uri = new Uri(system.Servers.RabbitMq) };
        await using (var connection = await factory.CreateConnectionAsync())
        await using (var channel = await connection.CreateChannelAsync())
        {
            await channel.QueueDeleteAsync(CallbackEndpoint.QueueName, ifUnused: false, ifEmpty: false);
            await channel.QueueDeleteAsync(ErrorQueueName, ifUnused: false, ifEmpty: false);
        }

        _worker = await StartCallbackWorkerAsync();
    }
    public async Task DisposeAsync() => await _worker.DisposeAsync();

    [Fact]
    public async Task Should_deliver_the_signed_booking_on_the_third_attempt_when_the_receiver_fails_twice()
    {
        await using var receiver = await CallbackReceiver.StartAsync(failFirst: 2);
        var hold = await HoldAsync(receiver.UrlVia("127.0.0.1"), "A1", "A2");

        await BookingSystemFixture.WaitUntilAsync(() => receiver.Received.Any(r => r.Answer == 200), TimeSpan.FromSeconds(30));
        var rows = await DeliveriesAsync(hold.BookingId, count: 3);

        Assert.Equal([(1, false, 500), (2, false, 500), (3, true, 200)], rows.Select(r => (r.Attempt, r.Succeeded, r.StatusCode ?? 0)));
        Assert.All(rows, r => Assert.Equal((1L, hold.CallbackUrl), (r.BookingVersion, r.Url)));
        Assert.Null(rows[2].Error);
        Assert.StartsWith("HTTP 500", rows[0].Error);
        // Exponential back-off from 0.2 s, less up to a fifth of jitter: at least 0.16 s, then at least 0.32 s.
        Assert.InRange((rows[1].AttemptedAt - rows[0].AttemptedAt).TotalSeconds, 0.16, 10);
        Assert.InRange((rows[2].AttemptedAt - rows[1].AttemptedAt).TotalSeconds, 0.32, 10);

        var received = receiver.Received.ToList();
        Assert.Equal(3, received.Count);
        Assert.All(received, r =>
        {
            Assert.Equal($"{hold.BookingId}:1", r.Id);
            Assert.StartsWith("application/json", r.ContentType);
            Assert.True(HasValidSignature(r), $"Invalid signature {r.Signature} on {r.Id}");
            Assert.InRange(long.Parse(r.Timestamp), DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeSeconds(), DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        });
        using var body = JsonDocument.Parse(received[2].Body);
        var booking = body.RootElement;
        Assert.Equal(hold.BookingId, booking.GetProperty("bookingId").GetGuid());
        Assert.Equal(hold.ShowtimeId, booking.GetProperty("showtimeId").GetGuid());
        Assert.Equal(hold.CustomerId, booking.GetProperty("customerId").GetString());
        Assert.Equal("held", booking.GetProperty("status").GetString());
        Assert.Equal(1, booking.GetProperty("version").GetInt64());
        Assert.Equal(["A1", "A2"], booking.GetProperty("seats").EnumerateArray().Select(s => s.GetString()));
        Assert.True(booking.TryGetProperty("holdExpiresAt", out _));
    }

    [Fact]
    public async Task Should_never_send_and_record_the_refusal_when_the_host_resolves_to_a_loopback_address_not_allowed()
    {
        await using var receiver = await CallbackReceiver.StartAsync(failFirst: 0);
        using var refusals = new RefusalCounter(_worker.Services.GetRequiredService<IMeterFactory>());
        // localhost is allowed only by "*", which never allows a loopback address; 127.0.0.1 is listed, but that is
        // not the name asked for.
        var hold = await HoldAsync(receiver.UrlVia("localhost"), "A1");

        var rows = await DeliveriesAsync(hold.BookingId, count: 1);
        await Task.Delay(TimeSpan.FromSeconds(1));

        var row = Assert.Single(await DeliveriesAsync(hold.BookingId, count: 1));
        Assert.Equal((1, false, (int?)null), (row.Attempt, row.Succeeded, row.StatusCode));
        Assert.StartsWith("refused: localhost resolves to ", row.Error);
        Assert.Contains("loopback", row.Error);
        Assert.Empty(receiver.Received);
        Assert.Equal(1, refusals.Count);
        Assert.Equal(rows[0].Id, row.Id);
    }

    [Fact]
    public async Task Should_never_send_and_record_the_refusal_when_the_url_is_a_link_local_address()
    {
        using var refusals = new RefusalCounter(_worker.Services.GetRequiredService<IMeterFactory>());
        var hold = await HoldAsync("http://169.254.169.254/latest/meta-data/", "A1");

        var row = Assert.Single(await DeliveriesAsync(hold.BookingId, count: 1));

        Assert.False(row.Succeeded);
        Assert.Null(row.StatusCode);
        Assert.Equal("refused: 169.254.169.254 is a link-local address and not explicitly allowed in Callbacks:AllowedHosts.", row.Error);
        // The refusal is counted just after its row is stored.
        await BookingSystemFixture.WaitUntilAsync(() => refusals.Count >= 1, TimeSpan.FromSeconds(10));
        Assert.Equal(1, refusals.Count);
    }

    [Fact]
    public async Task Should_hand_the_changes_waiting_to_retry_back_to_the_queue_each_time_their_worker_stops()
    {
        // Many at once, and three stops: the changes wait for their next attempt, and all wake up to be handed back
        // while their endpoint stops. Before the fix, one in a few stops lost a hand-back to the error queue.
        const int Changes = 40;
        await using var receiver = await CallbackReceiver.StartAsync(failFirst: int.MaxValue);
        var holds = await Task.WhenAll(Enumerable.Range(0, Changes).Select(_ => HoldAsync(receiver.UrlVia("127.0.0.1"), "A1")));
        var startedAt = DateTime.MinValue;
        for (var stop = 1; stop <= 3; stop++)
        {
            await WaitForAttemptsAfterAsync(holds, startedAt);

            await _worker.DisposeAsync();

            Assert.Equal(((uint)Changes, 0u), await QueueLengthsAsync());
            startedAt = DateTime.UtcNow;
            _worker = await StartCallbackWorkerAsync();
        }

        // Each worker resumed: attempts go on from the last one recorded, none repeated.
        foreach (var rows in await WaitForAttemptsAfterAsync(holds, startedAt))
        {
            Assert.Equal(Enumerable.Range(1, rows.Count), rows.Select(r => r.Attempt));
        }
    }

    /// <summary>Checks the Standard Webhooks signature the way a receiver does: recompute the HMAC and compare.</summary>
    private static bool HasValidSignature(ReceivedCallback callback)
    {
        var key = Convert.FromBase64String(Secret["whsec_".Length..]);
        var signed = Encoding.UTF8.GetBytes($"{callback.Id}.{callback.Timestamp}.").Concat(callback.Body).ToArray();
        var expected = Encoding.ASCII.GetBytes("v1," + Convert.ToBase64String(HMACSHA256.HashData(key, signed)));
        return callback.Signature.Split(' ').Any(s => CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(s), expected));
    }

    /// <summary>
    /// Sends the hold straight to the showtime's partition, as the ingress does once it has accepted a request: the
    /// subject here is the worker's callback, whatever the ingress's own checks of callbackUrl.
    /// </summary>
    private async Task<RequestSeatHold> HoldAsync(string callbackUrl, params string[] seats)
    {
        using var admin = await system.ClientAsync("admin", "admin");
        var showtimeId = await admin.CreateShowtimeIdAsync(null, ("A", 4));
        var command = new RequestSeatHold(Guid.NewGuid(), showtimeId, $"callbacks-{Guid.NewGuid():N}", seats, callbackUrl, DateTimeOffset.UtcNow);
        var bus = system.Ingress.Services.GetRequiredService<IBus>();
        var partition = await bus.GetSendEndpoint(PartitionAddresses.For(ShowtimePartitions.PartitionOf(showtimeId, BookingSystemFixture.Partitions)));
        await partition.Send(command);
        return command;
    }

    /// <summary>A worker with callbacks on, once its callbacks' endpoint consumes.</summary>
    private async Task<ServiceHost<WorkerApp>> StartCallbackWorkerAsync()
    {
        var worker = new ServiceHost<WorkerApp>(system.Settings(new Dictionary<string, string?>
        {
            ["Callbacks:SigningSecret"] = Secret,
            ["Callbacks:AllowedHosts:0"] = "127.0.0.1",
            ["Callbacks:AllowedHosts:1"] = "*",
            ["Callbacks:InitialDelaySeconds"] = "0.2",
            ["Callbacks:MaxDelaySeconds"] = "1",
            ["Callbacks:MaxTotalSeconds"] = "30",
            ["Callbacks:AttemptTimeoutSeconds"] = "5",
        }));
        Assert.True(await worker.Services.GetRequiredService<CallbackEndpoint>().Ready.WaitAsync(TimeSpan.FromSeconds(30)));
        return worker;
    }

    /// <summary>Messages in the callbacks' queue and in its error queue.</summary>
    private async Task<(uint Queued, uint Failed)> QueueLengthsAsync()
    {
        await using var queues = await BrokerQueues.ConnectAsync(system.Servers.RabbitMq);
        return (await queues.MessagesInAsync(CallbackEndpoint.QueueName), await queues.MessagesInAsync(ErrorQueueName));
    }

    /// <summary>Each hold's attempts, once each has one made after <paramref name="after"/>.</summary>
    private async Task<List<List<CallbackDelivery>>> WaitForAttemptsAfterAsync(IEnumerable<RequestSeatHold> holds, DateTime after)
    {
        var attempts = new List<List<CallbackDelivery>>();
        foreach (var hold in holds)
        {
            var rows = await DeliveriesAsync(hold.BookingId, found => found.Any(r => r.AttemptedAt > after));
            Assert.Contains(rows, r => r.AttemptedAt > after);
            attempts.Add(rows);
        }

        return attempts;
    }

    private Task<List<CallbackDelivery>> DeliveriesAsync(Guid bookingId, int count) =>
        DeliveriesAsync(bookingId, rows => rows.Count >= count);

    /// <summary>The booking's attempts in order, once <paramref name="enough"/> says so or 30 s have passed.</summary>
    private async Task<List<CallbackDelivery>> DeliveriesAsync(Guid bookingId, Func<List<CallbackDelivery>, bool> enough)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            await using var scope = _worker.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<BookingDbContext>();
            var rows = await db.CallbackDeliveries.AsNoTracking().Where(d => d.BookingId == bookingId).OrderBy(d => d.Attempt).ToListAsync();
            if (enough(rows) || DateTime.UtcNow > deadline)
            {
                return rows;
            }

            await Task.Delay(50);
        }
    }

    /// <summary>Counts refused attempts on the worker's own <c>Booking.Callbacks</c> meter.</summary>
    private sealed class RefusalCounter : IDisposable
    {
        private readonly MeterListener _listener = new();
        private long _count;

        public RefusalCounter(IMeterFactory meters)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == CallbackMetrics.MeterName && instrument.Meter.Scope == meters && instrument.Name == "booking.callbacks.attempts")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
            {
                foreach (var tag in tags)
                {
                    if (tag is { Key: "outcome", Value: "refused" })
                    {
                        Interlocked.Add(ref _count, value);
                    }
                }
            });
            _listener.Start();
        }

        public long Count => Interlocked.Read(ref _count);

        public void Dispose() => _listener.Dispose();
    }
}

using System.Net;
using Booking.Contracts;
using Booking.Core.Data;
using Booking.Core.Messaging;
using Booking.Core.Partitioning;
using System.Net.Http.Json;
using Booking.Testing;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Booking.Worker.Tests.Consumers;

[Collection(SystemCollection.Name)]
public sealed class RequestSeatHoldConsumerTests(BookingSystemFixture system)
{
    [Fact]
    public async Task Should_hold_each_seat_for_one_booking_only_when_200_customers_rush_20_seats()
    {
        using var admin = await system.ClientAsync("admin", "admin");
        var showtimeId = await admin.CreateShowtimeIdAsync(null, ("A", 10), ("B", 10));
        var seatIds = Enumerable.Range(1, 10).SelectMany(n => new[] { $"A{n}", $"B{n}" }).ToArray();
        var customers = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => system.ClientAsync($"herd-{i}")));
        var random = new Random(42);
        var picks = customers.Select(_ => random.GetItems(seatIds, random.Next(1, 4)).Distinct().ToArray()).ToList();

        var responses = await Task.WhenAll(customers.Select((customer, i) => customer.HoldAsync(showtimeId, picks[i])));

        Assert.All(responses, r => Assert.Contains(r.StatusCode, new[] { HttpStatusCode.Accepted, HttpStatusCode.Conflict }));
        var accepted = new List<(BookingClient Customer, Guid BookingId)>();
        for (var i = 0; i < responses.Length; i++)
        {
            if (responses[i].StatusCode == HttpStatusCode.Accepted)
            {
                var body = await responses[i].Content.ReadFromJsonAsync<HoldAccepted>(BookingClient.Json);
                accepted.Add((customers[i], body!.BookingId));
            }
        }

        var outcomes = await Task.WhenAll(accepted.Select(a => a.Customer.WaitForStatusAsync(a.BookingId)));
        Assert.All(outcomes, status => Assert.Contains(status, new[] { "held", "rejected" }));
        Assert.Contains("held", outcomes);
        await Invariants.AssertHoldAsync(system.Postgres, showtimeId, [.. accepted.Select(a => a.BookingId)]);

        await using var scope = system.Worker.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BookingDbContext>();
        var heldSeats = await db.Seats.CountAsync(s => s.ShowtimeId == showtimeId && s.Status == SeatStatus.Held);
        var seatsOfHeldBookings = (await db.Bookings.Where(b => b.ShowtimeId == showtimeId && b.Status == BookingStatus.Held).ToListAsync())
            .Sum(b => b.SeatIds.Length);
        Assert.Equal(heldSeats, seatsOfHeldBookings);
        foreach (var customer in customers)
        {
            customer.Dispose();
        }
    }

    [Fact]
    public async Task Should_change_nothing_and_publish_the_outcome_again_when_a_hold_is_redelivered()
    {
        using var admin = await system.ClientAsync("admin", "admin");
        var showtimeId = await admin.CreateShowtimeIdAsync(null, ("A", 4));
        var bus = system.Ingress.Services.GetRequiredService<IBus>();
        await using var events = await EventRecorder.StartAsync(bus);
        var command = new RequestSeatHold(Guid.NewGuid(), showtimeId, "redelivery", ["A1", "A2"], null, DateTimeOffset.UtcNow);
        var partition = ShowtimePartitions.PartitionOf(showtimeId, BookingSystemFixture.Partitions);
        var endpoint = await PartitionEndpointAsync(bus, showtimeId);
        await using var errorQueues = await BrokerQueues.ConnectAsync(system.Servers.RabbitMq);

        await endpoint.Send(command);
        await events.WaitForStatusChangesAsync(e => e.BookingId == command.BookingId);
        var (bookingBefore, seatsBefore, showtimeVersionBefore) = await ReadRowsAsync(showtimeId, command.BookingId);
        var parkedBefore = await errorQueues.CountAsync(partition);
        await endpoint.Send(command);
        var published = await events.WaitForStatusChangesAsync(e => e.BookingId == command.BookingId, count: 2);
        var (bookingAfter, seatsAfter, showtimeVersionAfter) = await ReadRowsAsync(showtimeId, command.BookingId);

        Assert.Equal("held", published[0].Status);
        Assert.All(published, e => Assert.Equal((published[0].Status, published[0].Version), (e.Status, e.Version)));
        Assert.Equal(1, bookingAfter.Version);
        Assert.Equal((bookingBefore.Status, bookingBefore.Version, bookingBefore.HoldExpiresAt), (bookingAfter.Status, bookingAfter.Version, bookingAfter.HoldExpiresAt));
        Assert.Equal(seatsBefore, seatsAfter);
        Assert.Equal(showtimeVersionBefore, showtimeVersionAfter);
        // The redelivery was recognised, not taken for a request that cannot be applied. Such a request's message is
        // parked once its batch, outcome included, is done, so the park would show a moment after the event.
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Equal(parkedBefore, await errorQueues.CountAsync(partition));
    }

    [Fact]
    public async Task Should_apply_the_holds_of_one_message_in_their_order_each_to_its_own_outcome()
    {
        using var admin = await system.ClientAsync("admin", "admin");
        var showtimeId = await admin.CreateShowtimeIdAsync(null, ("A", 4));
        var bus = system.Ingress.Services.GetRequiredService<IBus>();
        await using var events = await EventRecorder.StartAsync(bus);
        RequestSeatHold Hold(params string[] seats) => new(Guid.NewGuid(), showtimeId, "together", seats, null, DateTimeOffset.UtcNow);
        var (first, overlapping, other) = (Hold("A1", "A2"), Hold("A2", "A3"), Hold("A4"));
        var endpoint = await PartitionEndpointAsync(bus, showtimeId);

        await endpoint.Send(new RequestSeatHolds([first, overlapping, other]));
        var outcomes = await events.WaitForStatusChangesAsync(e => e.ShowtimeId == showtimeId, count: 3);

        Assert.Equal(
            [(first.BookingId, "held", null), (overlapping.BookingId, "rejected", "seats_taken"), (other.BookingId, "held", null)],
            new[] { first, overlapping, other }.Select(hold => outcomes.Single(e => e.BookingId == hold.BookingId))
                .Select(e => (e.BookingId, e.Status, e.Reason)));
        await Invariants.AssertHoldAsync(system.Postgres, showtimeId, [first.BookingId, overlapping.BookingId, other.BookingId]);
    }

    [Fact]
    public async Task Should_release_the_gate_keys_a_request_took_for_seats_its_stored_booking_does_not_have()
    {
        using var admin = await system.ClientAsync("admin", "admin");
        var showtimeId = await admin.CreateShowtimeIdAsync(null, ("A", 3));
        var bus = system.Ingress.Services.GetRequiredService<IBus>();
        await using var events = await EventRecorder.StartAsync(bus);
        var endpoint = await PartitionEndpointAsync(bus, showtimeId);
        // One Idempotency-Key sent twice at once with other seats: both requests passed the gate as the one booking.
        var bookingId = Guid.NewGuid();
        string Key(string seat) => $"seat:{{{showtimeId:N}}}:{seat}";
        foreach (var seat in new[] { "A1", "A2" })
        {
            await system.Redis.StringSetAsync(Key(seat), bookingId.ToString("N"), TimeSpan.FromMinutes(10));
        }

        await endpoint.Send(new RequestSeatHold(bookingId, showtimeId, "alice", ["A1"], null, DateTimeOffset.UtcNow, "key"));
        await events.WaitForStatusChangesAsync(e => e.BookingId == bookingId);
        await endpoint.Send(new RequestSeatHold(bookingId, showtimeId, "alice", ["A2"], null, DateTimeOffset.UtcNow, "key"));

        await BookingSystemFixture.WaitUntilAsync(async () => !await system.Redis.KeyExistsAsync(Key("A2")), TimeSpan.FromSeconds(15));
        Assert.Equal(bookingId.ToString("N"), (string?)await system.Redis.StringGetAsync(Key("A1")));
        var (booking, _, _) = await ReadRowsAsync(showtimeId, bookingId);
        Assert.Equal(BookingStatus.Held, booking.Status);
        Assert.Equal(["A1"], booking.SeatIds);
    }

    /// <summary>The queue of <paramref name="showtimeId"/>'s partition, to send commands to as an ingress does.</summary>
    private static Task<ISendEndpoint> PartitionEndpointAsync(IBus bus, Guid showtimeId) =>
        bus.GetSendEndpoint(PartitionAddresses.For(ShowtimePartitions.PartitionOf(showtimeId, BookingSystemFixture.Partitions)));

    private async Task<(BookingRecord Booking, List<(string, SeatStatus, Guid?, long)> Seats, long ShowtimeVersion)> ReadRowsAsync(Guid showtimeId, Guid bookingId)
    {
        await using var scope = system.Worker.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BookingDbContext>();
        var booking = await db.Bookings.AsNoTracking().SingleAsync(b => b.Id == bookingId);
        var seats = (await db.Seats.AsNoTracking().Where(s => s.ShowtimeId == showtimeId).OrderBy(s => s.SeatId).ToListAsync())
            .Select(s => (s.SeatId, s.Status, s.BookingId, s.Version)).ToList();
        var showtime = await db.Showtimes.AsNoTracking().SingleAsync(s => s.Id == showtimeId);
        return (booking, seats, showtime.Version);
    }

    private sealed record HoldAccepted(Guid BookingId);
}

using System.Collections.Concurrent;
using Booking.Contracts;
using Booking.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace Booking.Ingress.Tests.Holds;

[Collection(SystemCollection.Name)]
public sealed class HoldSenderTests(BookingSystemFixture system)
{
    [Fact]
    public async Task Should_send_holds_that_arrive_together_in_fewer_messages_and_hold_each_one()
    {
        using var admin = await system.ClientAsync("admin", "admin");
        var showtimeId = await admin.CreateShowtimeIdAsync(null, ("A", 50), ("B", 50));
        var consumed = new ConsumedHolds(showtimeId);
        using var observer = system.Worker.Services.GetRequiredService<IBus>().ConnectConsumeMessageObserver(consumed);
        var customers = await Task.WhenAll(Enumerable.Range(0, 100).Select(i => system.ClientAsync($"together-{i}-{Guid.NewGuid():N}")));
        var seats = Enumerable.Range(1, 50).SelectMany(n => new[] { $"A{n}", $"B{n}" }).ToArray();

        var bookingIds = await Task.WhenAll(customers.Select((customer, i) => customer.HoldAcceptedAsync(showtimeId, seats[i])));
        var statuses = await Task.WhenAll(customers.Select((customer, i) => customer.WaitForStatusAsync(bookingIds[i])));

        Assert.All(statuses, status => Assert.Equal("held", status));
        await BookingSystemFixture.WaitUntilAsync(() => consumed.BookingIds.Count == 100, TimeSpan.FromSeconds(10));
        Assert.Equal(bookingIds.Order(), consumed.BookingIds.Order());
        // 100 requests at once on one partition: while a send waits for the broker the next ones queue up behind it.
        Assert.InRange(consumed.Messages, 1, 99);
        await Invariants.AssertHoldAsync(system.Postgres, showtimeId, bookingIds);
        foreach (var customer in customers)
        {
            customer.Dispose();
        }
    }

    /// <summary>The hold messages of one showtime that the worker consumed, and the holds they carried.</summary>
    private sealed class ConsumedHolds(Guid showtimeId) : IConsumeMessageObserver<RequestSeatHolds>
    {
        private int _messages;

        public ConcurrentBag<Guid> BookingIds { get; } = [];

        public int Messages => Volatile.Read(ref _messages);

        public Task PreConsume(ConsumeContext<RequestSeatHolds> context) => Task.CompletedTask;

        public Task PostConsume(ConsumeContext<RequestSeatHolds> context)
        {
            var ours = context.Message.Holds.Where(hold => hold.ShowtimeId == showtimeId).ToList();
            if (ours.Count > 0)
            {
                Interlocked.Increment(ref _messages);
                ours.ForEach(hold => BookingIds.Add(hold.BookingId));
            }

            return Task.CompletedTask;
        }

        public Task ConsumeFault(ConsumeContext<RequestSeatHolds> context, Exception exception) => Task.CompletedTask;
    }
}

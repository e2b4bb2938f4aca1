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
        var consumed = new ConsumedMessages<RequestSeatHolds>();
        using var observer = system.Worker.Services.GetRequiredService<IBus>().ConnectConsumeMessageObserver(consumed);
        var customers = await Task.WhenAll(Enumerable.Range(0, 100).Select(i => system.ClientAsync($"together-{i}-{Guid.NewGuid():N}")));
        var seats = Enumerable.Range(1, 50).SelectMany(n => new[] { $"A{n}", $"B{n}" }).ToArray();

        var bookingIds = await Task.WhenAll(customers.Select((customer, i) => customer.HoldAcceptedAsync(showtimeId, seats[i])));
        var statuses = await Task.WhenAll(customers.Select((customer, i) => customer.WaitForStatusAsync(bookingIds[i])));

        Assert.All(statuses, status => Assert.Equal("held", status));
        List<RequestSeatHold[]> OurMessages() => [.. consumed.Messages
            .Select(message => message.Holds.Where(hold => hold.ShowtimeId == showtimeId).ToArray())
            .Where(holds => holds.Length > 0)];
        await BookingSystemFixture.WaitUntilAsync(() => OurMessages().Sum(holds => holds.Length) == 100, TimeSpan.FromSeconds(10));
        Assert.Equal(bookingIds.Order(), OurMessages().SelectMany(holds => holds).Select(hold => hold.BookingId).Order());
        // 100 requests at once on one partition: while a send waits for the broker the next ones queue up behind it.
        Assert.InRange(OurMessages().Count, 1, 99);
        await Invariants.AssertHoldAsync(system.Postgres, showtimeId, bookingIds);
        foreach (var customer in customers)
        {
            customer.Dispose();
        }
    }
}

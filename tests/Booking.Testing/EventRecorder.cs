using System.Collections.Concurrent;
using Booking.Contracts;
using MassTransit;

namespace Booking.Testing;

/// <summary>
/// Listens to the events the system publishes, on a temporary queue of its own, the way any subscriber would, and
/// keeps each event of a <see cref="BookingsChanged"/> on its own.
/// </summary>
public sealed class EventRecorder : IAsyncDisposable
{
    private readonly HostReceiveEndpointHandle _handle;

    private EventRecorder(IBus bus)
    {
        _handle = bus.ConnectReceiveEndpoint(new TemporaryEndpointDefinition(), DefaultEndpointNameFormatter.Instance, endpoint =>
        {
            endpoint.Handler<BookingsChanged>(context =>
            {
                context.Message.Bookings.ToList().ForEach(StatusChanges.Enqueue);
                context.Message.Seats.ToList().ForEach(SeatChanges.Enqueue);
                return Task.CompletedTask;
            });
        });
    }

    public ConcurrentQueue<BookingStatusChanged> StatusChanges { get; } = new();

    public ConcurrentQueue<SeatsChanged> SeatChanges { get; } = new();

    public static async Task<EventRecorder> StartAsync(IBus bus)
    {
        var recorder = new EventRecorder(bus);
        await recorder._handle.Ready;
        return recorder;
    }

    /// <summary>Waits until at least <paramref name="count"/> status changes match.</summary>
    public async Task<IReadOnlyList<BookingStatusChanged>> WaitForStatusChangesAsync(
        Func<BookingStatusChanged, bool> match, int count = 1, TimeSpan? timeout = null)
    {
        await BookingSystemFixture.WaitUntilAsync(() => StatusChanges.Count(match) >= count, timeout ?? TimeSpan.FromSeconds(30));
        return [.. StatusChanges.Where(match)];
    }

    public async ValueTask DisposeAsync() => await _handle.StopAsync();
}

using MassTransit;

namespace Booking.Worker.Messaging;

/// <summary>
/// How the worker starts and stops the receive endpoints it connects while running (the partition queues and the
/// callbacks' queue). MassTransit 8.5 waits for an endpoint's stop with no time limit, and an endpoint stopped in the
/// middle of its start can keep that stop waiting for good: a test worker disposed while it attached a partition hung
/// there. So a start is let finish before anything stops the endpoint, and the worker stops its endpoints itself
/// while the bus still runs. A handle's stop takes its endpoint out of the bus before it waits, so an endpoint that
/// does not stop in time is left behind rather than holding up the bus's own stop; its unacknowledged messages go
/// back to the queue when the connection closes.
/// </summary>
public static class ReceiveEndpointHandles
{
    private static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Waits until the endpoint consumes, at most <see cref="StartLimit"/>, and is not cut short by a shutdown. A start
    /// that failed or hangs is taken out of the bus at once (its stop is not awaited), so its queue can be connected
    /// again, and the failure is thrown.
    /// </summary>
    public static async Task WaitUntilStartedAsync(this HostReceiveEndpointHandle handle)
    {
        try
        {
            await handle.Ready.WaitAsync(StartLimit, CancellationToken.None);
        }
        catch
        {
            _ = handle.StopAsync(CancellationToken.None);
            throw;
        }
    }

    /// <summary>Stops the endpoints, waiting until <paramref name="cancellationToken"/> at most; false if some did not stop by then.</summary>
    public static async Task<bool> StopAllAsync(IReadOnlyCollection<HostReceiveEndpointHandle> handles, CancellationToken cancellationToken)
    {
        try
        {
            await Task.WhenAll(handles.Select(handle => handle.StopAsync(cancellationToken))).WaitAsync(cancellationToken);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}

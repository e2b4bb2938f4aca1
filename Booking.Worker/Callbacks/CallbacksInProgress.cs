namespace Booking.Worker.Callbacks;

/// <summary>
/// Counts the callback deliveries in progress, so that <see cref="CallbackEndpoint"/> can wait for them when the
/// worker stops. MassTransit's endpoint stop returns before its consumers end, and the bus stops next: a change being
/// handed back to the queue at that moment lost its send and went through the retries to the error queue.
/// </summary>
public sealed class CallbacksInProgress
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(20);

    private int _count;

    /// <summary>Deliveries in progress now.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Counts one delivery until the returned scope is disposed.</summary>
    public Scope Start()
    {
        Interlocked.Increment(ref _count);
        return new Scope(this);
    }

    /// <summary>Waits until no delivery is in progress; false when <paramref name="cancellationToken"/> ended the wait first.</summary>
    public async Task<bool> WaitUntilNoneAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (Count > 0)
            {
                await Task.Delay(PollInterval, cancellationToken);
            }

            return true;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>One delivery in progress; disposing it ends the count.</summary>
    public readonly struct Scope(CallbacksInProgress owner) : IDisposable
    {
        public void Dispose() => Interlocked.Decrement(ref owner._count);
    }
}

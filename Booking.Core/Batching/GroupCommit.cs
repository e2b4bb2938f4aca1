using System.Collections.Concurrent;
using System.Diagnostics;

namespace Booking.Core.Batching;

/// <summary>
/// Group commit per lane (in the worker a few partition queues, in the ingress a partition's sends): requests that
/// arrive while a lane's batch runs (a transaction, or a send to the broker) wait, and the next batch takes all of
/// them, up to <see cref="MaxBatch"/>. A lone request runs at once, so a quiet system answers in one batch's time,
/// and a busy one runs many requests per batch instead of queueing them one by one. The batch runs on the caller
/// that wins the lane's lock, in that caller's scope; every caller gets its own request's result (or the batch's
/// exception) and only then returns, so a message is acknowledged, or a request answered, only after its batch ran.
/// Requests enter a batch in the order they arrived. The lane's lock comes from <see cref="LaneLocks"/>, so group
/// commits of different requests that share the locks never run on one lane at the same time either.
/// </summary>
/// <remarks>
/// <para>
/// Traced as a span "group commit" of <see cref="GroupCommitSpans.SourceName"/>, a child of the span of the caller that
/// runs the batch, with a link to the span of every request it carries: the work of a request that waited shows
/// under another request's trace, and the links lead there.
/// </para>
/// MassTransit's own batch consumer fixes each batch when its time limit passes, not when the consumer is free, so
/// under load it runs many small batches one after another; this lets the batch grow while the previous one runs.
/// </remarks>
public sealed class GroupCommit<T>(LaneLocks locks)
{
    /// <summary>The most requests in one batch.</summary>
    public const int MaxBatch = 250;

    private readonly ConcurrentDictionary<string, Lane> _lanes = new();

    /// <summary>
    /// Queues <paramref name="request"/> on <paramref name="lane"/> and returns once a batch that held it ran
    /// <paramref name="runBatch"/> successfully; throws that batch's exception otherwise.
    /// </summary>
    public Task RunAsync(string lane, T request, Func<IReadOnlyList<T>, Task> runBatch, CancellationToken cancellationToken) =>
        RunAsync(lane, request, (batch, _) => runBatch(batch), cancellationToken);

    /// <summary>
    /// As above, and <paramref name="runBatch"/> may fail single requests of a batch that otherwise succeeds: it calls
    /// its second argument with the request's index in the batch and the exception that request's caller gets.
    /// </summary>
    public async Task RunAsync(
        string lane, T request, Func<IReadOnlyList<T>, Action<int, Exception>, Task> runBatch, CancellationToken cancellationToken)
    {
        var state = _lanes.GetOrAdd(lane, name => new Lane(locks.For(name)));
        var entry = new Entry(request, Activity.Current?.Context ?? default);
        state.Queue.Enqueue(entry);
        try
        {
            await state.Lock.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // Given up while it waited: a batch that has not taken it yet leaves it out (Take), so a caller told
            // "not done" is not done behind its back. One already in a running batch runs, as a send in flight would.
            entry.Done.TrySetCanceled(cancellationToken);
            throw;
        }

        try
        {
            while (!entry.Done.Task.IsCompleted)
            {
                var batch = Take(state.Queue);
                using var span = StartSpan(lane, batch);
                try
                {
                    await runBatch([.. batch.Select(e => e.Request)], (index, error) => batch[index].Done.TrySetException(error));
                    batch.ForEach(e => e.Done.TrySetResult());
                }
                catch (Exception ex)
                {
                    span?.SetStatus(ActivityStatusCode.Error, ex.Message);
                    batch.ForEach(e => e.Done.TrySetException(ex));
                }
            }
        }
        finally
        {
            state.Lock.Release();
        }

        await entry.Done.Task;
    }

    private static Activity? StartSpan(string lane, List<Entry> batch)
    {
        if (!GroupCommitSpans.Source.HasListeners())
        {
            return null;
        }

        var links = batch.Where(e => e.Context != default).Select(e => new ActivityLink(e.Context)).ToList();
        // No parent context given: the span goes under Activity.Current, the span of the caller that runs the batch.
        var span = GroupCommitSpans.Source.StartActivity("group commit", ActivityKind.Internal, parentContext: default, links: links);
        span?.SetTag("booking.batch.lane", lane);
        span?.SetTag("booking.batch.size", batch.Count);
        return span;
    }

    private static List<Entry> Take(ConcurrentQueue<Entry> queue)
    {
        var batch = new List<Entry>(Math.Min(queue.Count, MaxBatch));
        while (batch.Count < MaxBatch && queue.TryDequeue(out var entry))
        {
            if (!entry.Done.Task.IsCompleted)
            {
                batch.Add(entry);
            }
        }

        return batch;
    }

    private sealed class Lane(SemaphoreSlim sharedLock)
    {
        public ConcurrentQueue<Entry> Queue { get; } = new();

        public SemaphoreSlim Lock => sharedLock;
    }

    private sealed record Entry(T Request, ActivityContext Context)
    {
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

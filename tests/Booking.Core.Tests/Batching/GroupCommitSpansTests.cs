using System.Collections.Concurrent;
using System.Diagnostics;
using Booking.Core.Batching;

namespace Booking.Core.Tests.Batching;

/// <summary>A batch is traced under the caller that runs it, with a link to every request it carries.</summary>
public sealed class GroupCommitSpansTests : IDisposable
{
    private const string CallersName = "Booking.Tests.Callers";

    private static readonly ActivitySource Callers = new(CallersName);

    private readonly ConcurrentBag<Activity> _batchSpans = [];
    private readonly ActivityListener _listener;

    public GroupCommitSpansTests()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is GroupCommitSpans.SourceName or CallersName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.Source.Name == GroupCommitSpans.SourceName)
                {
                    _batchSpans.Add(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public void Dispose() => _listener.Dispose();

    [Fact]
    public async Task Should_trace_a_batch_under_the_caller_that_runs_it_with_a_link_to_each_request()
    {
        var lane = $"traced-{Guid.NewGuid():N}";
        var groups = new GroupCommit<int>(new LaneLocks());
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Task first;
        using (Callers.StartActivity("request 0"))
        {
            first = groups.RunAsync(lane, 0, _ => release.Task, CancellationToken.None);
        }

        var callers = new List<Activity>();
        var waiting = new List<Task>();
        for (var i = 1; i <= 3; i++)
        {
            using var caller = Callers.StartActivity($"request {i}")!;
            callers.Add(caller);
            waiting.Add(groups.RunAsync(lane, i, _ => Task.CompletedTask, CancellationToken.None));
        }

        release.SetResult();
        await Task.WhenAll([first, .. waiting]);

        var batch = Assert.Single(_batchSpans, span => Equals(span.GetTagItem("booking.batch.lane"), lane) && Equals(span.GetTagItem("booking.batch.size"), 3));
        Assert.Equal(callers.Select(c => c.SpanId), batch.Links.Select(link => link.Context.SpanId));
        Assert.Contains(batch.ParentSpanId, callers.Select(c => c.SpanId));
        Assert.Equal(callers[0].TraceId, batch.TraceId);
    }
}

using Booking.Core.Batching;

namespace Booking.Core.Tests.Batching;

public sealed class GroupCommitTests
{
    private readonly LaneLocks _locks = new();
    private readonly List<int[]> _batches = [];
    private readonly GroupCommit<int> _groups;

    public GroupCommitTests() => _groups = new GroupCommit<int>(_locks);

    [Fact]
    public async Task Should_run_a_lone_request_at_once_in_a_batch_of_its_own()
    {
        await _groups.RunAsync("lane", 1, RecordAsync, CancellationToken.None);

        Assert.Equal([[1]], _batches);
    }

    [Fact]
    public async Task Should_put_every_request_that_arrived_during_a_batch_into_the_next_one_in_arrival_order()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = RecordOnceReleasedAsync("lane", 0, release.Task);
        var waiting = Enumerable.Range(1, 20).Select(i => _groups.RunAsync("lane", i, RecordAsync, CancellationToken.None)).ToList();
        Assert.All(waiting, task => Assert.False(task.IsCompleted));

        release.SetResult();
        await Task.WhenAll([first, .. waiting]);

        Assert.Equal([[0], [.. Enumerable.Range(1, 20)]], _batches);
    }

    [Fact]
    public async Task Should_fail_each_request_of_a_failed_batch_and_leave_the_next_batch_alone()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var failing = _groups.RunAsync("lane", 0, async _ =>
        {
            await release.Task;
            throw new InvalidOperationException("batch failed");
        }, CancellationToken.None);
        var later = _groups.RunAsync("lane", 1, RecordAsync, CancellationToken.None);

        release.SetResult();

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => failing);
        Assert.Equal("batch failed", failure.Message);
        await later;
        Assert.Equal([[1]], _batches);
    }

    [Fact]
    public async Task Should_not_make_one_lane_wait_for_another()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var blocked = RecordOnceReleasedAsync("busy", 0, release.Task);

        await _groups.RunAsync("quiet", 1, RecordAsync, CancellationToken.None);

        Assert.False(blocked.IsCompleted);
        Assert.Equal([[1]], _batches);
        release.SetResult();
        await blocked;
    }

    [Fact]
    public async Task Should_take_at_most_the_batch_limit_at_once()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = RecordOnceReleasedAsync("lane", -1, release.Task);
        var count = GroupCommit<int>.MaxBatch + 10;
        var waiting = Enumerable.Range(0, count).Select(i => _groups.RunAsync("lane", i, RecordAsync, CancellationToken.None)).ToList();

        release.SetResult();
        await Task.WhenAll([first, .. waiting]);

        Assert.Equal([1, GroupCommit<int>.MaxBatch, 10], _batches.Select(b => b.Length));
        Assert.Equal(Enumerable.Range(0, count), _batches.Skip(1).SelectMany(b => b));
    }

    [Fact]
    public async Task Should_not_run_a_batch_while_another_group_commit_runs_one_on_the_same_lane()
    {
        var others = new GroupCommit<string>(_locks);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var running = others.RunAsync("lane", "confirm", _ => release.Task, CancellationToken.None);

        var sameLane = _groups.RunAsync("lane", 1, RecordAsync, CancellationToken.None);
        await _groups.RunAsync("other lane", 2, RecordAsync, CancellationToken.None);
        await Task.Delay(100);
        Assert.False(sameLane.IsCompleted);

        release.SetResult();
        await Task.WhenAll(running, sameLane);
        Assert.Equal([[2], [1]], _batches);
    }

    [Fact]
    public async Task Should_fail_only_the_requests_a_batch_marks_as_failed()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = _groups.RunAsync("lane", 0, _ => release.Task, CancellationToken.None);
        var poison = new InvalidOperationException("request 2 cannot be applied");
        var waiting = Enumerable.Range(1, 3).Select(i => _groups.RunAsync("lane", i, async (batch, fail) =>
        {
            await RecordAsync(batch);
            fail(batch.ToList().IndexOf(2), poison);
        }, CancellationToken.None)).ToList();

        release.SetResult();
        await first;

        Assert.Equal(poison, await Assert.ThrowsAsync<InvalidOperationException>(() => waiting[1]));
        await Task.WhenAll(waiting[0], waiting[2]);
        Assert.Equal([[1, 2, 3]], _batches);
    }

    [Fact]
    public async Task Should_leave_out_a_request_whose_caller_gave_up_while_it_waited()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = RecordOnceReleasedAsync("lane", 0, release.Task);
        using var giveUp = new CancellationTokenSource();
        var abandoned = _groups.RunAsync("lane", 1, RecordAsync, giveUp.Token);
        var kept = _groups.RunAsync("lane", 2, RecordAsync, CancellationToken.None);

        await giveUp.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => abandoned);
        release.SetResult();
        await Task.WhenAll(first, kept);

        Assert.Equal([[0], [2]], _batches);
    }

    /// <summary>
    /// A batch of <paramref name="request"/> that records itself once <paramref name="release"/> completes, and keeps
    /// its lane busy until then.
    /// </summary>
    private Task RecordOnceReleasedAsync(string lane, int request, Task release) =>
        _groups.RunAsync(lane, request, async batch =>
        {
            await release;
            await RecordAsync(batch);
        }, CancellationToken.None);

    private Task RecordAsync(IReadOnlyList<int> batch)
    {
        lock (_batches)
        {
            _batches.Add([.. batch]);
        }

        return Task.CompletedTask;
    }
}

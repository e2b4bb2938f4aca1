using Booking.Core;
using Booking.Core.Partitioning;
using Booking.Worker.Consumers;
using Booking.Worker.Messaging;
using MassTransit;
using Microsoft.Extensions.Options;

namespace Booking.Worker.Partitions;

/// <summary>
/// Attaches this worker to the partition queues it wins by <see cref="RendezvousAssignment"/> among the live workers
/// and detaches from the rest, re-scoring on every heartbeat. Each queue has single active consumer on, which is the
/// fence: even while two workers both believe they own a partition during a hand-over, the broker delivers to one.
/// On RabbitMQ 3.10 a later consumer only becomes active when the first leaves, so spreading is done here; the same
/// scores could be given as consumer priorities on RabbitMQ 4.0+ quorum queues.
/// </summary>
public sealed class PartitionEndpoints(
    IReceiveEndpointConnector connector,
    WorkerRegistry registry,
    IOptions<BookingOptions> booking,
    IOptions<PartitionOptions> options,
    ILogger<PartitionEndpoints> logger) : BackgroundService, IHostedLifecycleService
{
    private readonly Dictionary<int, HostReceiveEndpointHandle> _attached = [];

    private readonly HashSet<HostReceiveEndpointHandle> _attaching = [];

    /// <summary>The partitions this worker consumes now.</summary>
    public IReadOnlyCollection<int> Attached
    {
        get
        {
            lock (_attached)
            {
                return [.. _attached.Keys.Order()];
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var workerId = options.Value.WorkerId;
        var ttl = TimeSpan.FromSeconds(options.Value.WorkerTtlSeconds);
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.HeartbeatSeconds));
        do
        {
            IReadOnlySet<int>? wanted;
            try
            {
                var live = await registry.HeartbeatAsync(workerId, ttl);
                wanted = RendezvousAssignment.PartitionsOf(workerId, live, booking.Value.Partitions);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // Without the registry the worker keeps what it has; with nothing yet it takes every partition,
                // and single active consumer keeps that safe.
                var kept = Attached.Count;
                logger.LogWarning(ex, "Worker registry unavailable; keeping {Count} partitions", kept);
                wanted = kept == 0 ? Enumerable.Range(0, booking.Value.Partitions).ToHashSet() : null;
            }

            if (wanted is not null)
            {
                await RebalanceAsync(wanted, stoppingToken);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    /// <summary>
    /// The partitions are let go first, before any hosted service stops, so they have the whole shutdown time. A stop
    /// that found it spent by the services stopped before it left the consumers at the broker: the bus's stop, given
    /// the spent token, cut their cancels short, and they stayed their queues' single active consumers, taking
    /// deliveries they never handled, for as long as the process lived (a disposed test worker starved the workers
    /// of every later test).
    /// </summary>
    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await DetachAllAsync(cancellationToken);
        await registry.LeaveAsync(options.Value.WorkerId).WaitAsync(TimeSpan.FromSeconds(2), cancellationToken)
            .ContinueWith(_ => { }, TaskScheduler.Default);
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Stops every partition endpoint this worker started, one still starting included, while the bus still runs
    /// (<see cref="ReceiveEndpointHandles"/> says why), waiting at most until the host's shutdown time is up.
    /// </summary>
    private async Task DetachAllAsync(CancellationToken cancellationToken)
    {
        HostReceiveEndpointHandle[] handles;
        lock (_attached)
        {
            handles = [.. _attached.Values, .. _attaching];
            _attached.Clear();
            _attaching.Clear();
        }

        if (!await ReceiveEndpointHandles.StopAllAsync(handles, cancellationToken))
        {
            logger.LogWarning("Stopping {Count} partition endpoints took longer than the shutdown allows; left behind", handles.Length);
        }
    }

    /// <summary>
    /// Detaches what is no longer wanted and attaches what is. A partition that fails either way is logged and left as
    /// it is until the next heartbeat tries again; the others go on, and the worker keeps running (an exception out
    /// of here would end the host).
    /// </summary>
    private async Task RebalanceAsync(IReadOnlySet<int> wanted, CancellationToken cancellationToken)
    {
        int[] toDetach;
        lock (_attached)
        {
            toDetach = [.. _attached.Keys.Where(p => !wanted.Contains(p))];
        }

        foreach (var partition in toDetach)
        {
            HostReceiveEndpointHandle handle;
            lock (_attached)
            {
                handle = _attached[partition];
                _attached.Remove(partition);
            }

            try
            {
                await handle.StopAsync(cancellationToken);
                logger.LogInformation("Detached from partition {Partition}", partition);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                // Out of the bus already (the handle's stop does that first); its deliveries go back to the queue.
                logger.LogWarning(ex, "Partition {Partition} did not stop cleanly when detached", partition);
            }
        }

        // Started side by side, so a queue that cannot be consumed (its start times out) holds up no other partition.
        cancellationToken.ThrowIfCancellationRequested();
        await Task.WhenAll(wanted.Except(Attached).Order().Select(AttachAsync));
    }

    /// <summary>Connects the partition's endpoint and waits for its start; a failure is logged, never thrown.</summary>
    private async Task AttachAsync(int partition)
    {
        HostReceiveEndpointHandle? handle = null;
        try
        {
            handle = Connect(partition);
            await handle.WaitUntilStartedAsync();
        }
        catch (Exception ex)
        {
            if (handle is not null)
            {
                lock (_attached)
                {
                    _attaching.Remove(handle);
                }
            }

            logger.LogWarning(ex, "Could not attach partition {Partition}; trying again at the next heartbeat", partition);
            return;
        }

        lock (_attached)
        {
            _attaching.Remove(handle);
            _attached[partition] = handle;
        }

        logger.LogInformation("Attached to partition {Partition}", partition);
    }

    private HostReceiveEndpointHandle Connect(int partition)
    {
        var handle = connector.ConnectReceiveEndpoint(ShowtimePartitions.QueueName(partition), (context, endpoint) =>
        {
            if (endpoint is IRabbitMqReceiveEndpointConfigurator rabbit)
            {
                rabbit.SingleActiveConsumer = true;
            }

            endpoint.PrefetchCount = options.Value.PrefetchCount;
            endpoint.ConcurrentMessageLimit = options.Value.PrefetchCount;
            endpoint.ConfigureConsumer<RequestSeatHoldConsumer>(context);
            endpoint.ConfigureConsumer<ConfirmBookingConsumer>(context);
            endpoint.ConfigureConsumer<CancelBookingConsumer>(context);
        });
        lock (_attached)
        {
            _attaching.Add(handle);
        }

        return handle;
    }
}

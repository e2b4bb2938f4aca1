using Booking.Core.Callbacks;
using Booking.Worker.Messaging;
using MassTransit;
using Microsoft.Extensions.Options;

namespace Booking.Worker.Callbacks;

/// <summary>
/// Attaches <see cref="BookingStatusChangedConsumer"/> to its own queue, <see cref="QueueName"/>, when callbacks are
/// on (a signing secret is set). The queue gets the changes of bookings that have a callbackUrl, sent there by
/// <see cref="Publishing.OutcomePublisher"/>; changes sent while no worker has callbacks on wait for one. Every worker
/// consumes that queue, each up to <see cref="CallbackOptions.ConcurrencyLimit"/> changes at once, waits between
/// retries included; the partition queues have endpoints of their own, so nothing here slows booking processing.
/// </summary>
/// <remarks>
/// Retries wait inside the consumer while the message stays unacknowledged: the broker needs no delayed-message
/// plugin and the bus no scheduler, so this works the same on RabbitMQ 3.10 and on the in-memory transport. A worker
/// that stops hands its waiting changes back to the queue, and a worker that dies leaves them unacknowledged, so the
/// broker redelivers them; either way the next consumer resumes from the recorded attempts.
/// </remarks>
public sealed class CallbackEndpoint(
    IReceiveEndpointConnector connector,
    CallbacksInProgress inProgress,
    IOptions<CallbackOptions> options,
    ILogger<CallbackEndpoint> logger)
    : BackgroundService
{
    /// <summary>The callbacks' queue, shared by all workers.</summary>
    public const string QueueName = "booking-callbacks";

    private readonly TaskCompletionSource<bool> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private HostReceiveEndpointHandle? _handle;

    /// <summary>Completes once the endpoint consumes (true) or callbacks turned out to be off (false).</summary>
    public Task<bool> Ready => _ready.Task;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            logger.LogWarning("Callbacks are off on this worker: Callbacks:SigningSecret is not set, and nothing is sent unsigned");
            _ready.TrySetResult(false);
            return;
        }

        var limit = options.Value.ConcurrencyLimit;
        _handle = connector.ConnectReceiveEndpoint(QueueName, (context, endpoint) =>
        {
            // Not bound to the event's exchange: the worker sends here only the changes of bookings with a callbackUrl.
            endpoint.ConfigureConsumeTopology = false;
            endpoint.PrefetchCount = limit;
            endpoint.ConcurrentMessageLimit = limit;
            endpoint.ConfigureConsumer<BookingStatusChangedConsumer>(context);
        });
        await _handle.WaitUntilStartedAsync();
        _ready.TrySetResult(true);
        logger.LogInformation("Delivering callbacks from {Queue}, {Limit} at a time", QueueName, limit);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (_handle is null)
        {
            return;
        }

        // Stopped here, while the bus still runs (ReceiveEndpointHandles says why). The deliveries in progress end
        // before the bus stops: those waiting to retry hand their change back to the queue through the bus.
        if (!await ReceiveEndpointHandles.StopAllAsync([_handle], cancellationToken))
        {
            logger.LogWarning("Stopping the callbacks' endpoint took longer than the shutdown allows; left behind");
        }

        if (!await inProgress.WaitUntilNoneAsync(cancellationToken))
        {
            logger.LogWarning(
                "{Count} callback deliveries had not ended when the shutdown's time ran out; the broker redelivers them", inProgress.Count);
        }
    }
}

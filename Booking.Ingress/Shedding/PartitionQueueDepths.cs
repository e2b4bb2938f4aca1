using System.Diagnostics.Metrics;
using Booking.Core;
using Booking.Core.Partitioning;
using Booking.Core.Telemetry;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;
using StackExchange.Redis;

namespace Booking.Ingress.Shedding;

/// <summary>
/// Reads how far behind every partition is a few times a second, so the hold path can refuse work for a partition
/// that is already far behind without asking on every request: the depth of its queue, from RabbitMQ, and how long
/// its latest holds waited until their commit, which the workers report in Redis (<see cref="ShowtimePartitions.DelayKey"/>).
/// A message carries the holds that reached an ingress together, so the depth counts messages, not holds; the
/// delay is what a buyer waits, however the holds were sent. With the in-memory transport (standalone) there is no
/// broker to ask and nothing is shed.
/// </summary>
public sealed class PartitionQueueDepths : BackgroundService
{
    private readonly IConfiguration _configuration;
    private readonly IOptions<SheddingOptions> _shedding;
    private readonly IConnectionMultiplexer? _redis;
    private readonly ILogger<PartitionQueueDepths> _logger;
    private readonly long[] _depths;
    private readonly long[] _delayMilliseconds;
    private readonly RedisKey[] _delayKeys;

    public PartitionQueueDepths(
        IConfiguration configuration, IOptions<BookingOptions> booking, IOptions<SheddingOptions> shedding,
        IMeterFactory meters, ILogger<PartitionQueueDepths> logger, IConnectionMultiplexer? redis = null)
    {
        _configuration = configuration;
        _shedding = shedding;
        _redis = redis;
        _logger = logger;
        _depths = new long[booking.Value.Partitions];
        _delayMilliseconds = new long[booking.Value.Partitions];
        _delayKeys = [.. Enumerable.Range(0, booking.Value.Partitions).Select(partition => (RedisKey)ShowtimePartitions.DelayKey(partition))];
        var meter = meters.Create(BookingMetrics.MeterName);
        meter.CreateObservableGauge(
            "booking.queue.depth",
            () => PerPartition(_depths),
            description: "Messages waiting in each partition queue");
        meter.CreateObservableGauge(
            "booking.queue.delay",
            () => PerPartition(_delayMilliseconds),
            unit: "ms",
            description: "How long each partition's latest holds waited from the ingress to their commit, as its workers report it");
    }

    /// <summary>
    /// Whether the partition's queue is deeper than <see cref="SheddingOptions.MaxQueueDepth"/>, or its holds wait longer
    /// than <see cref="SheddingOptions.MaxQueueDelayMilliseconds"/>.
    /// </summary>
    public bool IsOverloaded(int partition) =>
        Interlocked.Read(ref _depths[partition]) > _shedding.Value.MaxQueueDepth ||
        Interlocked.Read(ref _delayMilliseconds[partition]) > _shedding.Value.MaxQueueDelayMilliseconds;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var broker = _configuration.GetConnectionString("RabbitMq");
        if (string.IsNullOrWhiteSpace(broker))
        {
            return;
        }

        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(_shedding.Value.QueueDepthPollMilliseconds));
        IConnection? connection = null;
        IChannel? channel = null;
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await ReadDelaysAsync(stoppingToken);
                try
                {
                    // No automatic recovery: this loop opens a new connection itself when one fails.
                    connection ??= await new ConnectionFactory { Uri = new Uri(broker), AutomaticRecoveryEnabled = false }
                        .CreateConnectionAsync(stoppingToken);
                    for (var partition = 0; partition < _depths.Length; partition++)
                    {
                        channel ??= await connection.CreateChannelAsync(cancellationToken: stoppingToken);
                        Interlocked.Exchange(ref _depths[partition], await DepthAsync(channel, partition, stoppingToken));
                        if (channel.IsClosed)
                        {
                            channel = null;
                        }
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    // Unknown depth is not a reason to refuse buyers; the send itself fails fast if the broker is gone.
                    // RabbitMQ.Client's own time-outs are cancellations too (a broker that stops answering for its 20 s
                    // gives a TaskCanceledException): only the host's stopping ends this loop.
                    _logger.LogDebug(ex, "Could not read the partition queue depths");
                    channel = null;
                    _ = CloseAsync(connection);
                    connection = null;
                }
            }
        }
        finally
        {
            await CloseAsync(connection);
        }
    }

    /// <summary>
    /// Closes a connection, waiting at most 1 s for the broker's answer (the loop itself does not wait): a stalled
    /// connection would otherwise stay open, unused, once the broker answers again, one more for every stall. In
    /// <c>BrokerOutageTests</c> it is gone about 10 s after the broker answers again.
    /// </summary>
    private static async Task CloseAsync(IConnection? connection)
    {
        if (connection is null)
        {
            return;
        }

        try
        {
            await connection.AbortAsync(TimeSpan.FromSeconds(1));
        }
        finally
        {
            connection.Dispose();
        }
    }

    /// <summary>The delays the workers reported; a partition with none (drained, or idle) waits for nothing.</summary>
    private async Task ReadDelaysAsync(CancellationToken stoppingToken)
    {
        if (_redis is null)
        {
            return;
        }

        try
        {
            var values = await _redis.GetDatabase().StringGetAsync(_delayKeys);
            for (var partition = 0; partition < values.Length; partition++)
            {
                Interlocked.Exchange(ref _delayMilliseconds[partition], values[partition].TryParse(out long milliseconds) ? milliseconds : 0);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            // As with the depths: an unknown delay refuses no one.
            _logger.LogDebug(ex, "Could not read the partition delays");
            Array.Clear(_delayMilliseconds);
        }
    }

    private static IEnumerable<Measurement<long>> PerPartition(long[] values) =>
        values.Select((value, partition) => new Measurement<long>(value, new KeyValuePair<string, object?>("partition", partition)));

    private static async Task<long> DepthAsync(IChannel channel, int partition, CancellationToken cancellationToken)
    {
        try
        {
            return (await channel.QueueDeclarePassiveAsync(ShowtimePartitions.QueueName(partition), cancellationToken)).MessageCount;
        }
        catch (RabbitMQ.Client.Exceptions.OperationInterruptedException)
        {
            // The queue does not exist yet (no worker has started); the broker closed the channel to say so.
            return 0;
        }
    }
}

using System.Diagnostics.Metrics;
using Booking.Core;
using Booking.Core.Partitioning;
using Booking.Core.Telemetry;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;

namespace Booking.Ingress.Shedding;

/// <summary>
/// Reads the depth of every partition queue from RabbitMQ a few times a second, so the hold path can refuse work
/// for a partition that is already far behind without asking the broker on every request. With the in-memory
/// transport (standalone) there is no broker to ask and nothing is shed.
/// </summary>
public sealed class PartitionQueueDepths : BackgroundService
{
    private readonly IConfiguration _configuration;
    private readonly IOptions<SheddingOptions> _shedding;
    private readonly ILogger<PartitionQueueDepths> _logger;
    private readonly long[] _depths;

    public PartitionQueueDepths(
        IConfiguration configuration, IOptions<BookingOptions> booking, IOptions<SheddingOptions> shedding,
        IMeterFactory meters, ILogger<PartitionQueueDepths> logger)
    {
        _configuration = configuration;
        _shedding = shedding;
        _logger = logger;
        _depths = new long[booking.Value.Partitions];
        meters.Create(BookingMetrics.MeterName).CreateObservableGauge(
            "booking.queue.depth",
            () => _depths.Select((depth, partition) => new Measurement<long>(depth, new KeyValuePair<string, object?>("partition", partition))),
            description: "Messages waiting in each partition queue");
    }

    /// <summary>Whether the partition's queue is deeper than <see cref="SheddingOptions.MaxQueueDepth"/>.</summary>
    public bool IsOverloaded(int partition) => Interlocked.Read(ref _depths[partition]) > _shedding.Value.MaxQueueDepth;

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
                try
                {
                    connection ??= await new ConnectionFactory { Uri = new Uri(broker) }.CreateConnectionAsync(stoppingToken);
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
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // Unknown depth is not a reason to refuse buyers; the send itself fails fast if the broker is gone.
                    _logger.LogDebug(ex, "Could not read the partition queue depths");
                    channel = null;
                    connection = null;
                }
            }
        }
        finally
        {
            connection?.Dispose();
        }
    }

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

using Booking.Core.Partitioning;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Booking.Testing;

/// <summary>The partitions' error queues on the test broker, where the worker parks the commands it cannot apply.</summary>
public sealed class ErrorQueues(IConnection connection) : IAsyncDisposable
{
    public static async Task<ErrorQueues> ConnectAsync(string rabbitMq) =>
        new(await new ConnectionFactory { Uri = new Uri(rabbitMq) }.CreateConnectionAsync());

    /// <summary>The messages parked for <paramref name="partition"/>; none while its error queue is not declared yet.</summary>
    public async Task<uint> CountAsync(int partition)
    {
        // A passive declare of a missing queue closes its channel, so each look takes a channel of its own.
        await using var channel = await connection.CreateChannelAsync();
        try
        {
            return (await channel.QueueDeclarePassiveAsync($"{ShowtimePartitions.QueueName(partition)}_error")).MessageCount;
        }
        catch (OperationInterruptedException)
        {
            return 0;
        }
    }

    public ValueTask DisposeAsync() => connection.DisposeAsync();
}

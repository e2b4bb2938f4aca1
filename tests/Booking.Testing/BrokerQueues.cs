using System.Text;
using Booking.Core.Partitioning;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Booking.Testing;

/// <summary>
/// The queues on the test broker as a test looks at them: any queue's length and consumers, and the partitions'
/// error queues, where the worker parks the messages it cannot handle (<see cref="CountAsync"/>).
/// </summary>
public sealed class BrokerQueues(IConnection connection) : IAsyncDisposable
{
    public static async Task<BrokerQueues> ConnectAsync(string rabbitMq) =>
        new(await new ConnectionFactory { Uri = new Uri(rabbitMq) }.CreateConnectionAsync());

    /// <summary>The messages parked for <paramref name="partition"/>; none while its error queue is not declared yet.</summary>
    public Task<uint> CountAsync(int partition) => MessagesInAsync(QueueName(partition));

    /// <summary>The messages in <paramref name="queue"/>; none while it is not declared.</summary>
    public async Task<uint> MessagesInAsync(string queue) => (await DeclaredAsync(queue))?.MessageCount ?? 0;

    /// <summary>The consumers of <paramref name="queue"/>; none while it is not declared.</summary>
    public async Task<uint> ConsumersOfAsync(string queue) => (await DeclaredAsync(queue))?.ConsumerCount ?? 0;

    /// <summary>The messages parked for each partition, in partition order.</summary>
    public async Task<uint[]> CountEachAsync(int partitions) =>
        await Task.WhenAll(Enumerable.Range(0, partitions).Select(CountAsync));

    /// <summary>
    /// The type of the root exception that MassTransit recorded on each message parked for <paramref name="partition"/>
    /// (<c>MT-Fault-ExceptionType</c>), oldest first; the messages stay where they are.
    /// </summary>
    public async Task<IReadOnlyList<string?>> FaultTypesAsync(int partition)
    {
        var faultTypes = new List<string?>();
        // Taken without acknowledging: closing the channel puts every one back, in its place.
        await using var channel = await connection.CreateChannelAsync();
        while (await channel.BasicGetAsync(QueueName(partition), autoAck: false) is { } message)
        {
            faultTypes.Add(message.BasicProperties.Headers?.TryGetValue("MT-Fault-ExceptionType", out var type) == true && type is byte[] name
                ? Encoding.UTF8.GetString(name)
                : null);
        }

        return faultTypes;
    }

    public ValueTask DisposeAsync() => connection.DisposeAsync();

    private async Task<QueueDeclareOk?> DeclaredAsync(string queue)
    {
        // A passive declare of a missing queue closes its channel, so each look takes a channel of its own.
        await using var channel = await connection.CreateChannelAsync();
        try
        {
            return await channel.QueueDeclarePassiveAsync(queue);
        }
        catch (OperationInterruptedException)
        {
            return null;
        }
    }

    private static string QueueName(int partition) => $"{ShowtimePartitions.QueueName(partition)}_error";
}

using System.Collections.Concurrent;
using MassTransit;

namespace Booking.Testing;

/// <summary>
/// The messages of type <typeparamref name="T"/> that one bus consumed, each kept once its consumer returned. Connect
/// it with <c>IBus.ConnectConsumeMessageObserver</c>.
/// </summary>
public sealed class ConsumedMessages<T> : IConsumeMessageObserver<T>
    where T : class
{
    public ConcurrentQueue<T> Messages { get; } = new();

    public Task PreConsume(ConsumeContext<T> context) => Task.CompletedTask;

    public Task PostConsume(ConsumeContext<T> context)
    {
        Messages.Enqueue(context.Message);
        return Task.CompletedTask;
    }

    public Task ConsumeFault(ConsumeContext<T> context, Exception exception) => Task.CompletedTask;
}

using Booking.Ingress;
using Booking.Worker;
using Booking.Worker.Partitions;
using Microsoft.Extensions.DependencyInjection;

namespace Booking.Testing;

/// <summary>What tests do with an in-process ingress or worker: a signed-in client, a worker that is ready.</summary>
public static class ServiceHostExtensions
{
    /// <summary>A client of <paramref name="ingress"/> that acts as <paramref name="subject"/>.</summary>
    public static async Task<BookingClient> ClientAsync(this ServiceHost<IngressApp> ingress, string subject, params string[] roles)
    {
        var http = ingress.CreateClient();
        await TestTokens.AuthorizeAsync(http, subject, roles);
        return new BookingClient(http);
    }

    /// <summary>Waits until <paramref name="worker"/> consumes every partition (it is the only worker running).</summary>
    public static Task WaitForAllPartitionsAsync(this ServiceHost<WorkerApp> worker) =>
        BookingSystemFixture.WaitUntilAsync(
            () => worker.Services.GetRequiredService<PartitionEndpoints>().Attached.Count == BookingSystemFixture.Partitions,
            TimeSpan.FromSeconds(30));
}

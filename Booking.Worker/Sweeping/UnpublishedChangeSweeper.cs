using Booking.Core.Data;
using Booking.Worker.Publishing;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Booking.Worker.Sweeping;

/// <summary>
/// Publishes booking changes that were committed but never marked published, because the process that made them
/// died in between. Together with redelivery this keeps a state change and its events from parting.
/// </summary>
public sealed class UnpublishedChangeSweeper(IServiceScopeFactory scopes, IOptions<SweeperOptions> options, TimeProvider clock, ILogger<UnpublishedChangeSweeper> logger)
    : PeriodicSweeper(options, logger)
{
    public override async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BookingDbContext>();
        var cutoff = clock.GetUtcNow().UtcDateTime.AddSeconds(-Options.RepublishAfterSeconds);
        var unpublished = await db.Bookings.AsNoTracking()
            .Where(b => b.PublishedVersion < b.Version && b.UpdatedAt <= cutoff)
            .OrderBy(b => b.UpdatedAt)
            .Take(Options.BatchSize)
            .ToListAsync(cancellationToken);
        if (unpublished.Count > 0)
        {
            logger.LogInformation("Publishing {Count} committed changes whose events were not marked published", unpublished.Count);
            await scope.ServiceProvider.GetRequiredService<OutcomePublisher>()
                .PublishAsync(scope.ServiceProvider.GetRequiredService<IPublishEndpoint>(), unpublished, [], cancellationToken);
        }

        return unpublished.Count;
    }
}

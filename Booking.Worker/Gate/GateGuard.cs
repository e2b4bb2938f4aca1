using Booking.Core.Gate;
using Microsoft.Extensions.Options;

namespace Booking.Worker.Gate;

/// <summary>
/// Keeps the gate in step with the database: rebuilds it when the worker starts, and again whenever the gate's
/// rebuilt marker is gone, which is what a Redis that restarted without its data or was flushed looks like. Until
/// then the gate only lets too much through, and the worker, checking the database, refuses it: slower, never wrong.
/// Several workers may rebuild at once; the writes agree.
/// </summary>
public sealed class GateGuard(IServiceScopeFactory scopes, ISeatGate gate, IOptions<GateGuardOptions> options, ILogger<GateGuard> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var rebuildNow = true;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.CheckSeconds));
        do
        {
            try
            {
                if (rebuildNow || !await gate.IsRebuiltAsync())
                {
                    await using var scope = scopes.CreateAsyncScope();
                    var locks = await scope.ServiceProvider.GetRequiredService<GateRebuilder>().RebuildAsync(stoppingToken);
                    if (locks is null)
                    {
                        logger.LogWarning("The seat gate lost its data while it was being rebuilt; rebuilding again at the next check");
                    }
                    else
                    {
                        logger.LogInformation("Rebuilt the seat gate from the database: {Locks} seat locks", locks);
                        rebuildNow = false;
                    }
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(ex, "Could not check or rebuild the seat gate; trying again");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}

using Microsoft.Extensions.Options;

namespace Booking.Worker.Sweeping;

/// <summary>Runs a sweep every <see cref="SweeperOptions.IntervalSeconds"/>; a failed sweep is logged and tried again.</summary>
public abstract class PeriodicSweeper(IOptions<SweeperOptions> options, ILogger logger) : BackgroundService
{
    protected SweeperOptions Options => options.Value;

    /// <summary>One sweep; returns how many bookings it handled.</summary>
    public abstract Task<int> SweepAsync(CancellationToken cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(Options.IntervalSeconds));
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await SweepAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(ex, "{Sweeper} failed; trying again next interval", GetType().Name);
            }
        }
    }
}

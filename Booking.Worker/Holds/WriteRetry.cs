using Booking.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Booking.Worker.Holds;

/// <summary>
/// Runs a read-decide-write step again when another writer got there first (a version check failed, or the same
/// booking was inserted by a redelivery racing this one). Each attempt starts from a clean context, so the decision
/// is made again on fresh rows: a stale write is never applied. The first attempt too, since one context may serve
/// several steps (a group commit's runner applies batch after batch). The step is told its attempt, 1 first.
/// </summary>
public sealed class WriteRetry(BookingDbContext db, ILogger<WriteRetry> logger)
{
    private const int MaxAttempts = 8;

    public async Task<T> RunAsync<T>(Func<int, Task<T>> step, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            db.ChangeTracker.Clear();
            try
            {
                return await step(attempt);
            }
            catch (DbUpdateException ex) when (attempt < MaxAttempts)
            {
                logger.LogDebug(ex, "Write conflict on attempt {Attempt}; deciding again", attempt);
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(1, 10 * attempt)), cancellationToken);
            }
        }
    }
}

using System.Data.Common;
using Booking.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Booking.Worker.Holds;

/// <summary>
/// Runs a read-decide-write step again when another writer got there first (a version check failed, or the same
/// booking was inserted by a redelivery racing this one). Each attempt starts from a clean context, so the decision
/// is made again on fresh rows: a stale write is never applied. The first attempt too, since one context may serve
/// several steps (a group commit's runner applies batch after batch). The step is told its attempt, 1 first.
/// </summary>
/// <remarks>
/// A write that failed on the request's content (<see cref="PoisonHolds.IsPoison"/>) would fail the same way again,
/// so it is not retried: its caller isolates the request at once. A duplicate key is the exception, because that is
/// how a redelivered request shows, and the retry is the attempt that looks for what is stored.
/// </remarks>
public sealed class WriteRetry(BookingDbContext db, ILogger<WriteRetry> logger)
{
    private const int MaxAttempts = 8;

    /// <summary>PostgreSQL's unique_violation. SQLite reports no SQL state, and none of its errors counts as poison.</summary>
    private const string UniqueViolation = "23505";

    public async Task<T> RunAsync<T>(Func<int, Task<T>> step, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            db.ChangeTracker.Clear();
            try
            {
                return await step(attempt);
            }
            catch (DbUpdateException ex) when (attempt < MaxAttempts && WorthAnotherAttempt(ex))
            {
                logger.LogDebug(ex, "Write conflict on attempt {Attempt}; deciding again", attempt);
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(1, 10 * attempt)), cancellationToken);
            }
        }
    }

    private static bool WorthAnotherAttempt(DbUpdateException exception) =>
        !PoisonHolds.IsPoison(exception) || exception.InnerException is DbException { SqlState: UniqueViolation };
}

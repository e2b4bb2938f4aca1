using Booking.Core.Callbacks;

namespace Booking.Worker.Callbacks;

/// <summary>Exponential back-off between callback attempts, with a little jitter so retries do not arrive in step.</summary>
public static class CallbackBackoff
{
    /// <summary>
    /// The wait after attempt <paramref name="attempt"/> (1 for the first) failed: the initial delay doubled per
    /// attempt, at most the maximum delay, less up to a fifth at random.
    /// </summary>
    public static TimeSpan After(int attempt, CallbackOptions options)
    {
        var seconds = Math.Min(options.InitialDelaySeconds * Math.Pow(2, Math.Min(attempt - 1, 30)), options.MaxDelaySeconds);
        return TimeSpan.FromSeconds(seconds * (1 - (Random.Shared.NextDouble() * 0.2)));
    }
}

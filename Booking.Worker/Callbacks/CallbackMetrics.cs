using System.Diagnostics.Metrics;

namespace Booking.Worker.Callbacks;

/// <summary>
/// The <c>Booking.Callbacks</c> meter: attempts by outcome (<c>succeeded</c>, <c>failed</c>, <c>refused</c>) and
/// changes given up after the retry time ran out. On <c>/metrics</c> as <c>booking_callbacks_attempts_total</c> and
/// <c>booking_callbacks_given_up_total</c>.
/// </summary>
public sealed class CallbackMetrics
{
    public const string MeterName = "Booking.Callbacks";

    private readonly Counter<long> _attempts;

    private readonly Counter<long> _givenUp;

    public CallbackMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _attempts = meter.CreateCounter<long>(
            "booking.callbacks.attempts", "{attempt}", "Callback attempts by outcome: succeeded, failed or refused (never sent).");
        _givenUp = meter.CreateCounter<long>(
            "booking.callbacks.given_up", "{change}", "Booking changes whose callback still failed when the retry time ran out.");
    }

    public void Attempted(CallbackAttempt attempt) =>
        _attempts.Add(1, new KeyValuePair<string, object?>("outcome", attempt.Outcome));

    public void GaveUp() => _givenUp.Add(1);
}

namespace Booking.Worker.Callbacks;

/// <summary>How one attempt to deliver a callback went.</summary>
/// <param name="StatusCode">The receiver's HTTP status, if it answered.</param>
/// <param name="Error">Why it failed or was refused; null on success (a 2xx answer).</param>
/// <param name="Refused">The host or its address is not allowed: nothing was sent, and nothing will be.</param>
public sealed record CallbackAttempt(int? StatusCode, string? Error, bool Refused = false)
{
    /// <summary>The prefix of <see cref="Error"/> of a refused callback, in the delivery rows too.</summary>
    public const string RefusedPrefix = "refused: ";

    public bool Succeeded => Error is null;

    public string Outcome => Succeeded ? "succeeded" : Refused ? "refused" : "failed";

    public static CallbackAttempt Refusal(string reason) => new(null, RefusedPrefix + reason, Refused: true);
}

using System.Globalization;
using System.Text.Json.Serialization;
using Booking.Core;
using Booking.Core.Data;

namespace Booking.Ingress.Apis;

/// <summary>A hold request: the seats, all or none, and where to POST status changes.</summary>
/// <param name="Seats">Seat ids such as <c>A1</c>.</param>
/// <param name="CallbackUrl">An absolute http(s) URL on an allowed host, at most 2048 characters with no control characters, or nothing.</param>
public sealed record HoldRequest(IReadOnlyList<string>? Seats, string? CallbackUrl = null)
{
    /// <summary>The longest seat id a showtime can have: the longest row label and the highest seat number.</summary>
    public static readonly int MaxSeatIdLength =
        CreateShowtimeRequest.MaxRowLetters + CreateShowtimeRequest.MaxSeatsPerRow.ToString(CultureInfo.InvariantCulture).Length;

    /// <summary>The seat ids trimmed and upper-cased, as stored.</summary>
    [JsonIgnore]
    public IReadOnlyList<string> NormalizedSeats => [.. (Seats ?? []).Select(s => (s ?? "").Trim().ToUpperInvariant())];

    /// <summary>What is wrong with the request apart from the showtime's own seats; empty when nothing is.</summary>
    public Dictionary<string, string[]> Validate(BookingOptions options)
    {
        var errors = new Dictionary<string, string[]>();
        var seats = NormalizedSeats;
        if (seats.Count == 0)
        {
            errors["seats"] = ["seats must list at least one seat."];
        }
        else if (seats.Count > options.MaxSeatsPerBooking)
        {
            errors["seats"] = [$"seats may list at most {options.MaxSeatsPerBooking} seats."];
        }
        else if (seats.Any(string.IsNullOrEmpty))
        {
            errors["seats"] = ["seat ids must not be empty."];
        }
        else if (seats.Any(s => s.Length > MaxSeatIdLength))
        {
            // Not named back: the answer stays small whatever was sent.
            errors["seats"] = [$"seat ids are at most {MaxSeatIdLength} characters, a row and a number such as A1."];
        }
        else if (seats.GroupBy(s => s).Where(g => g.Count() > 1).Select(g => g.Key).ToList() is { Count: > 0 } repeated)
        {
            errors["seats"] = [$"seats must not repeat; repeated: {string.Join(", ", repeated)}."];
        }

        // Control characters too: Uri accepts some (a NUL in the path), which PostgreSQL cannot store, so such a hold
        // would never be applied.
        if (CallbackUrl is { } callbackUrl && (callbackUrl.Length > BookingRecord.MaxCallbackUrlLength || callbackUrl.Any(char.IsControl)))
        {
            errors["callbackUrl"] = [$"callbackUrl may be at most {BookingRecord.MaxCallbackUrlLength} characters, with no control characters."];
        }
        else if (CallbackUrl is not null &&
            (!Uri.TryCreate(CallbackUrl, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp)))
        {
            errors["callbackUrl"] = ["callbackUrl must be an absolute http or https URL."];
        }

        return errors;
    }
}

/// <summary>The answer to an accepted hold request.</summary>
/// <param name="BookingId">The new booking's id.</param>
/// <param name="Status">Always <c>pending</c>: the worker decides the outcome.</param>
/// <param name="StatusUrl">Where to read the booking.</param>
public sealed record HoldAcceptedResponse(Guid BookingId, string Status, string StatusUrl);

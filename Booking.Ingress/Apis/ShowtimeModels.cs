using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Booking.Core;
using Booking.ServiceDefaults;

namespace Booking.Ingress.Apis;

/// <summary>A new showtime: the movie, where and when, and the seat rows.</summary>
/// <param name="Movie">The movie's title.</param>
/// <param name="Auditorium">The auditorium's name.</param>
/// <param name="StartsAt">When the screening starts: ISO 8601 with an offset, e.g. <c>2026-12-19T20:00:00+01:00</c>.</param>
/// <param name="Rows">The rows, front to back: a label (letters) and a seat count each.</param>
/// <param name="HoldSeconds">How long a hold lasts; the configured default when left out.</param>
public sealed partial record CreateShowtimeRequest(
    string? Movie,
    string? Auditorium,
    [property: JsonConverter(typeof(DateTimeWithOffsetConverter))] DateTimeOffset? StartsAt,
    IReadOnlyList<SeatRowRequest>? Rows,
    int? HoldSeconds = null)
{
    private const int MaxRows = 52;

    /// <summary>The most seats in a row: seat numbers have at most as many digits as this.</summary>
    public const int MaxSeatsPerRow = 200;

    /// <summary>The most letters in a row's label (<see cref="RowLabel"/>).</summary>
    public const int MaxRowLetters = 3;

    /// <summary>What is wrong with the request, by field; empty when it is valid.</summary>
    public Dictionary<string, string[]> Validate(BookingOptions options)
    {
        var errors = new Dictionary<string, string[]>();
        if (!StoredText.IsValid(Movie, 200))
        {
            errors["movie"] = ["movie is required, at most 200 characters, no control characters."];
        }

        if (!StoredText.IsValid(Auditorium, 100))
        {
            errors["auditorium"] = ["auditorium is required, at most 100 characters, no control characters."];
        }

        if (StartsAt is null)
        {
            errors["startsAt"] = ["startsAt is required: an ISO 8601 date and time with an offset, e.g. 2026-12-19T20:00:00+01:00."];
        }

        if (HoldSeconds is { } hold && (hold < 10 || hold > options.MaxHoldSeconds))
        {
            errors["holdSeconds"] = [$"holdSeconds must be between 10 and {options.MaxHoldSeconds}."];
        }

        if (Rows is null || Rows.Count == 0 || Rows.Count > MaxRows)
        {
            errors["rows"] = [$"rows must list 1 to {MaxRows} rows."];
        }
        else
        {
            for (var i = 0; i < Rows.Count; i++)
            {
                var row = Rows[i];
                if (row is null || string.IsNullOrEmpty(row.Row) || !RowLabel().IsMatch(row.Row))
                {
                    errors[$"rows[{i}].row"] = [$"row must be 1 to {MaxRowLetters} letters A-Z."];
                }

                if (row is null || row.Seats < 1 || row.Seats > MaxSeatsPerRow)
                {
                    errors[$"rows[{i}].seats"] = [$"seats must be between 1 and {MaxSeatsPerRow}."];
                }
            }

            var duplicates = Rows.Where(r => r?.Row is not null).GroupBy(r => r.Row!.ToUpperInvariant()).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
            if (duplicates.Count > 0)
            {
                errors["rows"] = [$"rows must be unique; repeated: {string.Join(", ", duplicates)}."];
            }
        }

        return errors;
    }

    // At most MaxRowLetters letters (a constant here, as the attribute needs one).
    [GeneratedRegex(@"^[A-Za-z]{1,3}\z")]
    private static partial Regex RowLabel();
}

/// <summary>One row of a new showtime.</summary>
/// <param name="Row">The row's label, e.g. <c>A</c>; its seats are <c>A1</c>..<c>A{Seats}</c>.</param>
/// <param name="Seats">How many seats the row has.</param>
public sealed record SeatRowRequest(string? Row, int Seats);

/// <summary>How many seats of a showtime are in each status (a lapsed hold counts as available).</summary>
public sealed record SeatCounts(int Available, int Held, int Sold);

/// <summary>A showtime.</summary>
public sealed record ShowtimeResponse(
    Guid Id, string Movie, string Auditorium, DateTimeOffset StartsAt, int HoldSeconds, int TotalSeats, SeatCounts Seats);

/// <summary>One seat in the seat map.</summary>
/// <param name="SeatId">Row label and number, e.g. <c>A1</c>.</param>
/// <param name="Row">The row label.</param>
/// <param name="Number">The seat's number in its row.</param>
/// <param name="Status"><c>available</c>, <c>held</c> or <c>sold</c>.</param>
public sealed record SeatResponse(string SeatId, string Row, int Number, string Status);

/// <summary>A showtime's seat map at one version.</summary>
/// <param name="ShowtimeId">The showtime.</param>
/// <param name="Version">The seat-map version: the same counter as the hub's <c>SeatsChanged.version</c>.</param>
/// <param name="Seats">Every seat, row by row.</param>
public sealed record SeatMapResponse(Guid ShowtimeId, long Version, IReadOnlyList<SeatResponse> Seats);

using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace Booking.Ingress.Apis;

/// <summary>
/// Reads an instant only from ISO 8601 text that names its offset (<c>Z</c> or <c>±hh:mm</c>), such as
/// <c>2026-12-19T20:00:00+01:00</c>. Text without one (<c>2026-12-19T20:00:00</c>, <c>2026-12-19</c>) or that is no
/// date at all reads as null, so the request's validation names the field, instead of the time being read in the
/// server's own time zone.
/// </summary>
public sealed partial class DateTimeWithOffsetConverter : JsonConverter<DateTimeOffset?>
{
    public override bool HandleNull => true;

    public override DateTimeOffset? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            return reader.TokenType == JsonTokenType.Null
                ? null
                : throw new JsonException("Expected an ISO 8601 date and time with an offset.");
        }

        return reader.TryGetDateTimeOffset(out var value) && EndsWithTimeAndOffset().IsMatch(reader.GetString()!)
            ? value
            : null;
    }

    public override void Write(Utf8JsonWriter writer, DateTimeOffset? value, JsonSerializerOptions options)
    {
        if (value is { } instant)
        {
            writer.WriteStringValue(instant);
        }
        else
        {
            writer.WriteNullValue();
        }
    }

    [GeneratedRegex(@"[Tt]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:\d{2})\z")]
    private static partial Regex EndsWithTimeAndOffset();
}

namespace Booking.Core.Data;

/// <summary>
/// The entities keep their times as UTC <see cref="DateTime"/>s, and SQLite reads them back with an unspecified kind;
/// these give a stored time its offset, +00:00, for an answer or an event.
/// </summary>
public static class StoredTimes
{
    public static DateTimeOffset AsUtc(this DateTime stored) => new(DateTime.SpecifyKind(stored, DateTimeKind.Utc));

    public static DateTimeOffset? AsUtc(this DateTime? stored) => stored?.AsUtc();
}

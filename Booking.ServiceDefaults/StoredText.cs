namespace Booking.ServiceDefaults;

/// <summary>The rule for free text the services store: names, titles, customer ids.</summary>
public static class StoredText
{
    /// <summary>
    /// Whether <paramref name="value"/> is 1 to <paramref name="maxLength"/> characters, not blank, and without control
    /// characters: PostgreSQL stores no NUL in text, and none of them belongs in a name.
    /// </summary>
    public static bool IsValid(string? value, int maxLength) =>
        !string.IsNullOrWhiteSpace(value) && value.Length <= maxLength && !value.Any(char.IsControl);
}

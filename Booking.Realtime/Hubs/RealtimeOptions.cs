using System.ComponentModel.DataAnnotations;

namespace Booking.Realtime.Hubs;

/// <summary>The <c>Realtime</c> section.</summary>
public sealed class RealtimeOptions
{
    public const string Section = "Realtime";

    /// <summary>
    /// Browser origins (scheme, host and port, e.g. <c>https://tickets.example.com</c>) whose pages may connect to the
    /// hub across origins, with credentials. Empty allows none: only same-origin pages and non-browser clients connect.
    /// </summary>
    [CustomValidation(typeof(RealtimeOptions), nameof(ValidateOrigins))]
    public string[] AllowedOrigins { get; set; } = [];

    /// <summary>
    /// How many showtimes one connection may watch at once. Each watched showtime is a group on the instance and a
    /// channel subscription on the backplane, so without a bound one client could make an instance hold any number of
    /// them. A buyer watches one; a dashboard over a whole evening's sales stays well under the default.
    /// </summary>
    [Range(1, 100_000)]
    public int MaxWatchedShowtimes { get; set; } = 1_000;

    /// <summary>Refuses anything but bare origins: a path or a wildcard would not do what it seems to.</summary>
    public static ValidationResult? ValidateOrigins(string[] origins) =>
        origins.FirstOrDefault(o => !Uri.TryCreate(o, UriKind.Absolute, out var uri) ||
                                    (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps) ||
                                    uri.PathAndQuery != "/" || o.EndsWith('/')) is { } bad
            ? new ValidationResult($"Realtime:AllowedOrigins has '{bad}'; use a bare origin such as https://tickets.example.com.")
            : ValidationResult.Success;
}

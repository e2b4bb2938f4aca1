using System.Globalization;
using System.Net;

namespace Booking.Core.Callbacks;

/// <summary>Host names and the allow-list's patterns: exact names or addresses, <c>*.domain</c>, and <c>*</c>.</summary>
internal static class HostPattern
{
    public const string Any = "*";

    /// <summary>
    /// Lower case, in ASCII (an internationalized name as punycode, as a URL's host is compared), without a trailing dot
    /// or the brackets of an IPv6 literal. Throws <see cref="ArgumentException"/> for a name that has no ASCII form.
    /// </summary>
    public static string Normalize(string host)
    {
        var normalized = host.Trim().TrimEnd('.').ToLowerInvariant();
        if (normalized.StartsWith('[') && normalized.EndsWith(']'))
        {
            return normalized[1..^1];
        }

        if (System.Text.Ascii.IsValid(normalized))
        {
            return normalized;
        }

        var idn = new IdnMapping();
        return normalized.StartsWith("*.", StringComparison.Ordinal) ? "*." + idn.GetAscii(normalized[2..]) : idn.GetAscii(normalized);
    }

    public static bool IsValid(string? pattern)
    {
        string normalized;
        try
        {
            normalized = Normalize(pattern ?? "");
        }
        catch (ArgumentException)
        {
            return false;
        }

        if (normalized == Any)
        {
            return true;
        }

        if (normalized.StartsWith("*.", StringComparison.Ordinal))
        {
            normalized = normalized[2..];
        }

        return IPAddress.TryParse(normalized, out _) || Uri.CheckHostName(normalized) == UriHostNameType.Dns;
    }

    /// <summary>Whether <paramref name="host"/> matches <paramref name="pattern"/>, both normalized.</summary>
    public static bool Matches(string pattern, string host)
    {
        if (pattern == Any)
        {
            return true;
        }

        return pattern.StartsWith("*.", StringComparison.Ordinal)
            ? host.EndsWith(pattern[1..], StringComparison.Ordinal) && host.Length > pattern.Length - 1
            : host == pattern || (IPAddress.TryParse(host, out var address) && IPAddress.TryParse(pattern, out var listed) && address.Equals(listed));
    }
}

using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace Booking.Core.Callbacks;

/// <summary>
/// Where callbacks may go. A host must match <see cref="CallbackOptions.AllowedHosts"/>, and every address it
/// resolves to must be public (not loopback, private, link-local, shared, multicast, documentation or reserved)
/// unless the host is listed by name or pattern (<c>*</c> alone never allows a non-public address). So a callbackUrl
/// cannot make the service call into the network it runs in.
/// </summary>
/// <remarks>
/// <see cref="Check"/> is cheap and resolves nothing: the ingress uses it to refuse a callbackUrl with 400. The
/// worker checks the resolved addresses again at every connect (<see cref="RefusalOf"/>), so a name that resolves
/// elsewhere later (DNS rebinding) is refused then.
/// </remarks>
public sealed class CallbackAddressPolicy(IOptions<CallbackOptions> options)
{
    private static readonly (IPNetwork Network, string Kind)[] NonPublicNetworks =
    [
        (IPNetwork.Parse("0.0.0.0/8"), "this-network"),
        (IPNetwork.Parse("10.0.0.0/8"), "private"),
        (IPNetwork.Parse("100.64.0.0/10"), "shared (carrier-grade NAT)"),
        (IPNetwork.Parse("127.0.0.0/8"), "loopback"),
        (IPNetwork.Parse("169.254.0.0/16"), "link-local"),
        (IPNetwork.Parse("172.16.0.0/12"), "private"),
        (IPNetwork.Parse("192.0.0.0/24"), "protocol-assignment"),
        (IPNetwork.Parse("192.0.2.0/24"), "documentation"),
        (IPNetwork.Parse("192.168.0.0/16"), "private"),
        (IPNetwork.Parse("198.18.0.0/15"), "benchmarking"),
        (IPNetwork.Parse("198.51.100.0/24"), "documentation"),
        (IPNetwork.Parse("203.0.113.0/24"), "documentation"),
        (IPNetwork.Parse("224.0.0.0/4"), "multicast"),
        (IPNetwork.Parse("240.0.0.0/4"), "reserved"),
        (IPNetwork.Parse("::/128"), "unspecified"),
        (IPNetwork.Parse("::1/128"), "loopback"),
        (IPNetwork.Parse("::/96"), "IPv4-compatible"),
        (IPNetwork.Parse("::ffff:0:0:0/96"), "IPv4-translated"),
        (IPNetwork.Parse("64:ff9b:1::/48"), "private NAT64"),
        (IPNetwork.Parse("100::/64"), "discard"),
        (IPNetwork.Parse("2001:db8::/32"), "documentation"),
        (IPNetwork.Parse("fc00::/7"), "private (unique local)"),
        (IPNetwork.Parse("fe80::/10"), "link-local"),
        (IPNetwork.Parse("fec0::/10"), "site-local"),
        (IPNetwork.Parse("ff00::/8"), "multicast"),
    ];

    /// <summary>
    /// The allow-list, normalized once (lower case, punycode): it is compared on every hold with a callbackUrl and at
    /// every connect. <see cref="CallbackOptionsValidator"/> has checked that every entry has such a form.
    /// </summary>
    private readonly string[] _allowedHosts = [.. options.Value.AllowedHosts.Select(HostPattern.Normalize)];

    /// <summary>The longest name DNS can carry, without its trailing dot.</summary>
    private const int MaxHostLength = 253;

    private static readonly IPNetwork Nat64 = IPNetwork.Parse("64:ff9b::/96");

    private static readonly IPNetwork SixToFour = IPNetwork.Parse("2002::/16");

    /// <summary>
    /// Checks a callback URL without resolving its host: an absolute http(s) URL, a host on the allow-list, and no
    /// non-public IP literal that is not explicitly allowed. The ingress answers 400 with the reason when refused.
    /// </summary>
    public CallbackUrlCheck Check(string? url)
    {
        if (string.IsNullOrWhiteSpace(url) || !Uri.TryCreate(url, UriKind.Absolute, out var uri) ||
            (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            return CallbackUrlCheck.Refused("callbackUrl must be an absolute http or https URL.");
        }

        if (AsciiHost(uri) is not { } host)
        {
            return CallbackUrlCheck.Refused("callbackUrl's host is not a valid internationalized domain name.");
        }

        if (host.Length > MaxHostLength)
        {
            // Such a name cannot be resolved, so every attempt would fail until the time limit.
            return CallbackUrlCheck.Refused($"callbackUrl's host may be at most {MaxHostLength} characters (in ASCII).");
        }

        if (!IsAllowedHost(host))
        {
            return CallbackUrlCheck.Refused($"{host} is not on Callbacks:AllowedHosts.");
        }

        return IPAddress.TryParse(host, out var address) && RefusalOf(host, address) is { } refusal
            ? CallbackUrlCheck.Refused(refusal)
            : CallbackUrlCheck.Allowed;
    }

    /// <summary>
    /// The host in ASCII (punycode), normalized; null when it cannot be: <see cref="Uri.TryCreate(string?, UriKind, out Uri?)"/>
    /// accepts some hosts, such as an <c>xn--</c> label with a non-ASCII letter in it, whose <see cref="Uri.IdnHost"/> throws.
    /// </summary>
    private static string? AsciiHost(Uri uri)
    {
        try
        {
            return HostPattern.Normalize(uri.IdnHost);
        }
        catch (UriFormatException)
        {
            return null;
        }
    }

    /// <summary>Whether the host matches any entry of the allow-list, <c>*</c> included.</summary>
    public bool IsAllowedHost(string host)
    {
        var normalized = HostPattern.Normalize(host);
        return _allowedHosts.Any(pattern => HostPattern.Matches(pattern, normalized));
    }

    /// <summary>Whether the host is listed by name, address or <c>*.domain</c> pattern (not only by <c>*</c>).</summary>
    public bool IsExplicitlyAllowed(string host)
    {
        var normalized = HostPattern.Normalize(host);
        return _allowedHosts.Any(pattern => pattern != HostPattern.Any && HostPattern.Matches(pattern, normalized));
    }

    /// <summary>
    /// Why <paramref name="host"/> may not be called at <paramref name="address"/>, one of the addresses it resolved
    /// to; null when it may.
    /// </summary>
    public string? RefusalOf(string host, IPAddress address)
    {
        if (NonPublicKind(address) is not { } kind || IsExplicitlyAllowed(host))
        {
            return null;
        }

        var normalized = HostPattern.Normalize(host);
        return IPAddress.TryParse(normalized, out var literal) && literal.Equals(address)
            ? $"{address} is a {kind} address and not explicitly allowed in Callbacks:AllowedHosts."
            : $"{normalized} resolves to {address}, a {kind} address, and is not explicitly allowed in Callbacks:AllowedHosts.";
    }

    /// <summary>The kind of a non-public address (<c>loopback</c>, <c>private</c>, ...); null for a public one.</summary>
    public static string? NonPublicKind(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            return NonPublicKind(address.MapToIPv4());
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            var bytes = address.GetAddressBytes();
            if (Nat64.Contains(address))
            {
                return NonPublicKind(new IPAddress(bytes[12..16]));
            }

            if (SixToFour.Contains(address))
            {
                return NonPublicKind(new IPAddress(bytes[2..6]));
            }
        }

        foreach (var (network, kind) in NonPublicNetworks)
        {
            if (network.BaseAddress.AddressFamily == address.AddressFamily && network.Contains(address))
            {
                return kind;
            }
        }

        return null;
    }
}

/// <summary>The answer of <see cref="CallbackAddressPolicy.Check"/>.</summary>
/// <param name="IsAllowed">Whether the URL may be used.</param>
/// <param name="Reason">Why not, when it may not; fit for a 400's detail.</param>
public readonly record struct CallbackUrlCheck(bool IsAllowed, string? Reason)
{
    public static CallbackUrlCheck Allowed => new(true, null);

    public static CallbackUrlCheck Refused(string reason) => new(false, reason);
}

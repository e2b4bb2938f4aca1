using System.Net;
using Booking.Core.Callbacks;
using Microsoft.Extensions.Options;

namespace Booking.Worker.Tests.Callbacks;

public sealed class CallbackAddressPolicyTests
{
    private static CallbackAddressPolicy Policy(params string[] allowedHosts) =>
        new(Options.Create(new CallbackOptions { AllowedHosts = allowedHosts }));

    [Theory]
    [InlineData("127.0.0.1", "loopback")]
    [InlineData("127.1.2.3", "loopback")]
    [InlineData("::1", "loopback")]
    [InlineData("10.0.0.8", "private")]
    [InlineData("172.20.1.1", "private")]
    [InlineData("192.168.1.1", "private")]
    [InlineData("169.254.169.254", "link-local")]
    [InlineData("fe80::1", "link-local")]
    [InlineData("fd00::1", "private (unique local)")]
    [InlineData("100.64.0.1", "shared (carrier-grade NAT)")]
    [InlineData("0.0.0.0", "this-network")]
    [InlineData("::", "unspecified")]
    [InlineData("224.0.0.1", "multicast")]
    [InlineData("::ffff:127.0.0.1", "loopback")]
    [InlineData("::ffff:169.254.169.254", "link-local")]
    [InlineData("::ffff:0:127.0.0.1", "IPv4-translated")]
    [InlineData("::ffff:0:808:808", "IPv4-translated")]
    [InlineData("64:ff9b::a00:1", "private")]
    [InlineData("2002:c0a8:101::1", "private")]
    public void Should_name_the_kind_when_an_address_is_not_public(string address, string kind) =>
        Assert.Equal(kind, CallbackAddressPolicy.NonPublicKind(IPAddress.Parse(address)));

    [Theory]
    [InlineData("93.184.215.14")]
    [InlineData("8.8.8.8")]
    [InlineData("2606:4700::1111")]
    [InlineData("::ffff:8.8.8.8")]
    public void Should_find_nothing_wrong_when_an_address_is_public(string address) =>
        Assert.Null(CallbackAddressPolicy.NonPublicKind(IPAddress.Parse(address)));

    [Theory]
    [InlineData("https://hooks.example.com/booking", true)]
    [InlineData("https://a.b.partner.example/x", true)]
    [InlineData("https://partner.example/x", false)]
    [InlineData("https://evil.example.org/x", false)]
    [InlineData("https://HOOKS.EXAMPLE.COM./booking", true)]
    [InlineData("ftp://hooks.example.com/booking", false)]
    [InlineData("/relative", false)]
    public void Should_allow_only_listed_hosts_when_the_list_has_no_star(string url, bool allowed) =>
        Assert.Equal(allowed, Policy("hooks.example.com", "*.partner.example").Check(url).IsAllowed);

    [Theory]
    [InlineData("http://xn--zz-\u00e9.com/x")]
    [InlineData("http://xn--\u00e9/")]
    public void Should_refuse_a_host_that_is_no_valid_internationalized_name_when_even_star_is_listed(string url) =>
        Assert.Equal("callbackUrl's host is not a valid internationalized domain name.", Policy("*").Check(url).Reason);

    [Theory]
    [InlineData("http://bücher.example/hook")]
    [InlineData("http://xn--bcher-kva.example/hook")]
    [InlineData("http://x.ärger.example/hook")]
    [InlineData("http://x.xn--rger-koa.example/hook")]
    public void Should_match_an_internationalized_host_whichever_form_the_allow_list_and_the_url_write_it_in(string url) =>
        Assert.True(Policy("Bücher.example", "*.ÄRGER.example").Check(url).IsAllowed, Policy("Bücher.example", "*.ÄRGER.example").Check(url).Reason);

    [Fact]
    public void Should_refuse_a_host_longer_than_dns_allows()
    {
        var label = new string('a', 60);
        var host = string.Join('.', Enumerable.Repeat(label, 5));

        Assert.Equal("callbackUrl's host may be at most 253 characters (in ASCII).", Policy("*").Check($"https://{host}/x").Reason);
        Assert.True(Policy("*").Check($"https://{host[..250]}.io/x").IsAllowed);
    }

    [Fact]
    public void Should_refuse_every_url_when_the_allow_list_is_empty() =>
        Assert.Equal("hooks.example.com is not on Callbacks:AllowedHosts.", Policy().Check("https://hooks.example.com/x").Reason);

    [Theory]
    [InlineData("http://127.0.0.1:8080/x")]
    [InlineData("http://[::1]/x")]
    [InlineData("http://169.254.169.254/latest/meta-data/")]
    [InlineData("http://2130706433/x")]
    [InlineData("http://10.1.2.3/x")]
    public void Should_refuse_a_non_public_address_when_it_is_allowed_only_by_star(string url) =>
        Assert.False(Policy("*").Check(url).IsAllowed);

    [Theory]
    [InlineData("http://127.0.0.1:8080/x", "127.0.0.1")]
    [InlineData("http://[::1]/x", "::1")]
    [InlineData("http://[::1]/x", "[::1]")]
    [InlineData("http://10.1.2.3/x", "10.1.2.3")]
    public void Should_allow_a_non_public_address_when_it_is_listed(string url, string listed) =>
        Assert.True(Policy(listed, "*").Check(url).IsAllowed);

    [Fact]
    public void Should_refuse_a_name_resolving_to_a_private_address_when_it_is_allowed_only_by_star() =>
        Assert.Equal(
            "internal.example.com resolves to 10.0.0.5, a private address, and is not explicitly allowed in Callbacks:AllowedHosts.",
            Policy("*").RefusalOf("internal.example.com", IPAddress.Parse("10.0.0.5")));

    [Fact]
    public void Should_accept_a_name_resolving_to_a_private_address_when_its_pattern_is_listed() =>
        Assert.Null(Policy("*.corp.example").RefusalOf("hooks.corp.example", IPAddress.Parse("10.0.0.5")));
}

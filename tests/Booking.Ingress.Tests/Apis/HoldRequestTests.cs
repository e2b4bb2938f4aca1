using Booking.Core;
using Booking.Ingress.Apis;

namespace Booking.Ingress.Tests.Apis;

public sealed class HoldRequestTests
{
    [Theory]
    [InlineData("http://hooks.example.com/\u0000")]
    [InlineData("http://hooks.example.com/x?q=\u0000")]
    [InlineData("http://hooks.example.com/x#\u0001")]
    public void Should_refuse_a_callback_url_with_a_control_character_when_uri_would_accept_it(string url)
    {
        var errors = new HoldRequest(["A1"], url).Validate(new BookingOptions());

        Assert.Equal(["callbackUrl may be at most 2048 characters, with no control characters."], errors["callbackUrl"]);
    }

    [Fact]
    public void Should_refuse_a_callback_url_when_it_is_longer_than_2048_characters() =>
        Assert.Equal(
            ["callbackUrl may be at most 2048 characters, with no control characters."],
            new HoldRequest(["A1"], "https://hooks.example.com/" + new string('a', 2048)).Validate(new BookingOptions())["callbackUrl"]);

    [Fact]
    public void Should_find_nothing_wrong_with_the_callback_url_when_it_is_a_plain_https_url() =>
        Assert.Empty(new HoldRequest(["A1"], "https://hooks.example.com/booking?x=1").Validate(new BookingOptions()));

    [Fact]
    public void Should_take_the_longest_seat_id_a_showtime_can_have_and_refuse_one_character_more()
    {
        Assert.Empty(new HoldRequest(["ABC200"]).Validate(new BookingOptions()));
        Assert.Equal(
            ["seat ids are at most 6 characters, a row and a number such as A1."],
            new HoldRequest(["ABCD200"]).Validate(new BookingOptions())["seats"]);
    }
}

using System.Text;
using Booking.Core.Callbacks;
using Booking.Worker.Callbacks;
using Microsoft.Extensions.Options;

namespace Booking.Worker.Tests.Callbacks;

public sealed class CallbackSignerTests
{
    [Fact]
    public void Should_match_the_Standard_Webhooks_test_vector_when_the_secret_has_the_whsec_prefix()
    {
        var signer = new CallbackSigner(Options.Create(new CallbackOptions { SigningSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" }));

        var signature = signer.Sign("msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, Encoding.UTF8.GetBytes("""{"test": 2432232314}"""));

        Assert.Equal("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", signature);
    }

    [Fact]
    public void Should_sign_the_same_when_the_secret_has_no_prefix()
    {
        var body = Encoding.UTF8.GetBytes("{}");
        var prefixed = new CallbackSigner(Options.Create(new CallbackOptions { SigningSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" }));
        var bare = new CallbackSigner(Options.Create(new CallbackOptions { SigningSecret = "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" }));

        Assert.Equal(prefixed.Sign("id", 1, body), bare.Sign("id", 1, body));
    }
}

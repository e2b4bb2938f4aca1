using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Booking.Core.Callbacks;

/// <summary>Registers <see cref="CallbackOptions"/> and <see cref="CallbackAddressPolicy"/>.</summary>
public static class CallbackOptionsExtensions
{
    /// <summary>
    /// Binds and validates the <c>Callbacks</c> section and adds the <see cref="CallbackAddressPolicy"/>; safe to call
    /// from every role of one process (the ingress to refuse a callbackUrl early, the worker to send).
    /// </summary>
    public static IHostApplicationBuilder AddCallbackOptions(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<CallbackOptions>()
            .BindConfiguration(CallbackOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CallbackOptions>, CallbackOptionsValidator>());
        builder.Services.TryAddSingleton<CallbackAddressPolicy>();
        return builder;
    }
}

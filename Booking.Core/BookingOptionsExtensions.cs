using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Booking.Core;

/// <summary>Registers <see cref="BookingOptions"/> and the clock.</summary>
public static class BookingOptionsExtensions
{
    /// <summary>Binds and validates the <c>Booking</c> section; safe to call from every role of one process.</summary>
    public static IHostApplicationBuilder AddBookingOptions(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<BookingOptions>()
            .BindConfiguration(BookingOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton<Telemetry.BookingMetrics>();
        return builder;
    }
}

using Booking.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Booking.Core.Tests.Data;

/// <summary>EF Core's check for a context used by two operations at once runs in Development only: it allocates per row.</summary>
public sealed class ThreadSafetyChecksTests
{
    [Theory]
    [InlineData("Development", true)]
    [InlineData("Production", false)]
    [InlineData("Staging", false)]
    public void Should_check_thread_safety_in_development_only(string environment, bool expected)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = environment });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:Postgres"] = "Host=db" });
        builder.AddBookingData(migrateOnStart: false);
        using var host = builder.Build();

        var options = host.Services.GetRequiredService<DbContextOptions<BookingDbContext>>();

        Assert.Equal(expected, options.FindExtension<CoreOptionsExtension>()!.ThreadSafetyChecksEnabled);
    }
}

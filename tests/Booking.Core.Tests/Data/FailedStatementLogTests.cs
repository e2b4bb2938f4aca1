using Booking.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Booking.Core.Tests.Data;

/// <summary>
/// A failed statement is logged by the code that ran it, which knows whether it was expected (a duplicate key from
/// copies of one idempotent hold racing each other is): EF Core's own logs of it are at Debug, not Error.
/// </summary>
public sealed class FailedStatementLogTests
{
    [Theory]
    [InlineData("ConnectionStrings:Postgres", "Host=db")]
    [InlineData("ConnectionStrings:Sqlite", "Data Source=booking.db")]
    public void Should_leave_logging_a_failed_statement_to_the_code_that_ran_it(string key, string connectionString)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Production" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { [key] = connectionString });
        builder.AddBookingData(migrateOnStart: false);
        using var host = builder.Build();

        var warnings = host.Services.GetRequiredService<DbContextOptions<BookingDbContext>>().FindExtension<CoreOptionsExtension>()!.WarningsConfiguration;

        Assert.Equal(LogLevel.Debug, warnings.GetLevel(RelationalEventId.CommandError));
        Assert.Equal(LogLevel.Debug, warnings.GetLevel(CoreEventId.SaveChangesFailed));
        Assert.Equal(LogLevel.Debug, warnings.GetLevel(CoreEventId.QueryIterationFailed));
    }
}

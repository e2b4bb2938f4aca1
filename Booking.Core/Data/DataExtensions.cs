using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Booking.Core.Data;

/// <summary>Registers the booking database.</summary>
public static class DataExtensions
{
    /// <summary>
    /// Adds <see cref="BookingDbContext"/> on PostgreSQL when <c>ConnectionStrings:Postgres</c> is set, otherwise on
    /// SQLite from <c>ConnectionStrings:Sqlite</c>; with <paramref name="migrateOnStart"/> the schema is brought up to
    /// date before the service starts.
    /// </summary>
    public static IHostApplicationBuilder AddBookingData(this IHostApplicationBuilder builder, bool migrateOnStart = true)
    {
        var postgres = builder.Configuration.GetConnectionString("Postgres");
        var sqlite = builder.Configuration.GetConnectionString("Sqlite");
        if (string.IsNullOrWhiteSpace(postgres) && string.IsNullOrWhiteSpace(sqlite))
        {
            throw new InvalidOperationException(
                "No database configured: set ConnectionStrings:Postgres (or ConnectionStrings:Sqlite for a standalone run).");
        }

        builder.Services.AddDbContextPool<BookingDbContext>(options =>
        {
            if (!string.IsNullOrWhiteSpace(postgres))
            {
                options.UseNpgsql(postgres, o => o.MigrationsHistoryTable("__ef_migrations_history"));
            }
            else
            {
                options.UseSqlite(sqlite);
            }

            options.UseSnakeCaseNamingConvention();
        });

        builder.Services.AddHealthChecks().AddDbContextCheck<BookingDbContext>("database");
        if (migrateOnStart)
        {
            builder.Services.AddHostedService<DatabaseInitializer>();
        }

        return builder;
    }
}

using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Booking.Core.Data;

/// <summary>Registers the booking database.</summary>
public static class DataExtensions
{
    /// <summary>
    /// How many statements Npgsql keeps prepared per connection when the connection string does not say
    /// (<c>Max Auto Prepare</c>). The services run a few dozen distinct statements, each thousands of times.
    /// </summary>
    public const int DefaultMaxAutoPrepare = 64;

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
                options.UseBookingPostgres(postgres);
            }
            else
            {
                options.UseSqlite(sqlite).UseSnakeCaseNamingConvention();
            }
        });

        builder.Services.AddHealthChecks().AddDbContextCheck<BookingDbContext>("database");
        if (migrateOnStart)
        {
            builder.Services.AddHostedService<DatabaseInitializer>();
        }

        return builder;
    }

    /// <summary>
    /// The booking database on PostgreSQL as the services use it: statements prepared (<see cref="WithAutoPrepare"/>),
    /// snake_case names, and the migrations' history table. The design-time factory and tests use it too, so a context
    /// made outside a service maps and migrates the same way.
    /// </summary>
    public static TBuilder UseBookingPostgres<TBuilder>(this TBuilder options, string connectionString)
        where TBuilder : DbContextOptionsBuilder
    {
        options.UseNpgsql(WithAutoPrepare(connectionString), o => o.MigrationsHistoryTable("__ef_migrations_history"))
            .UseSnakeCaseNamingConvention();
        return options;
    }

    /// <summary>
    /// Turns on Npgsql's automatic preparation (<see cref="DefaultMaxAutoPrepare"/>) unless the connection string
    /// sets <c>Max Auto Prepare</c> itself. A statement run five times on a connection is then prepared, and
    /// PostgreSQL no longer parses and plans it on every run: in the many-sales benchmark PostgreSQL spent 0.35-0.38 ms
    /// of CPU a hold with it against 0.54 ms without. Prepared statements survive the connection's return to the
    /// pool. Set <c>Max Auto Prepare=0</c> behind a pooler that cannot keep them (PgBouncer before 1.21 in
    /// transaction mode).
    /// </summary>
    public static string WithAutoPrepare(string connectionString)
    {
        var given = new DbConnectionStringBuilder { ConnectionString = connectionString };
        if (given.ContainsKey("Max Auto Prepare") || given.ContainsKey("MaxAutoPrepare"))
        {
            return connectionString;
        }

        return new NpgsqlConnectionStringBuilder(connectionString) { MaxAutoPrepare = DefaultMaxAutoPrepare }.ConnectionString;
    }
}

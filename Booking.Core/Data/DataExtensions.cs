using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
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
    /// How many PostgreSQL connections a service keeps at most when the connection string does not say
    /// (<c>Maximum Pool Size</c>; Npgsql's own default is 100).
    /// </summary>
    public const int DefaultMaxPoolSize = 16;

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

        var checkThreadSafety = builder.Environment.IsDevelopment();
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

            // EF Core's check that a context is not used by two operations at once sets an AsyncLocal twice for every
            // row it reads, and each set allocates. In the first second of an overload that was 35 of the 83 MB the
            // ingress allocated, most of it reading showtime layouts of 500 rows. Development (and the tests, which run
            // in it) keeps the check, so a context shared by mistake still fails loudly there.
            options.EnableThreadSafetyChecks(checkThreadSafety);
            LogFailedStatementsAtDebug(options);
        });

        builder.Services.AddHealthChecks().AddDbContextCheck<BookingDbContext>("database");
        if (migrateOnStart)
        {
            builder.Services.AddHostedService<DatabaseInitializer>();
        }

        return builder;
    }

    /// <summary>
    /// A failed statement reaches the code that ran it as an exception, and that code logs it with what it means: a
    /// duplicate key from copies of one idempotent or redelivered hold is expected and decided again
    /// (<c>WriteRetry</c>), a poison hold is logged and parked, anything else ends its request or message with an
    /// error logged. EF Core would first log each failure at Error on its own ("Failed executing DbCommand", "An
    /// exception occurred in the database while saving changes", or while iterating a query's results), so an expected
    /// race showed as two errors.
    /// </summary>
    private static void LogFailedStatementsAtDebug(DbContextOptionsBuilder options) =>
        options.ConfigureWarnings(warnings => warnings.Log(
            (RelationalEventId.CommandError, LogLevel.Debug),
            (CoreEventId.SaveChangesFailed, LogLevel.Debug),
            (CoreEventId.QueryIterationFailed, LogLevel.Debug)));

    /// <summary>
    /// The booking database on PostgreSQL as the services use it: the connection defaults
    /// (<see cref="WithConnectionDefaults"/>), snake_case names, and the migrations' history table. The design-time
    /// factory and tests use it too, so a context made outside a service maps and migrates the same way.
    /// </summary>
    public static TBuilder UseBookingPostgres<TBuilder>(this TBuilder options, string connectionString)
        where TBuilder : DbContextOptionsBuilder
    {
        options.UseNpgsql(WithConnectionDefaults(connectionString), o => o.MigrationsHistoryTable("__ef_migrations_history"))
            .UseSnakeCaseNamingConvention();
        return options;
    }

    /// <summary>
    /// Adds the services' defaults for what the connection string leaves unsaid; a setting it gives is kept.
    /// <list type="bullet">
    /// <item>Automatic preparation (<see cref="DefaultMaxAutoPrepare"/>): a statement run five times on a connection
    /// is prepared, and PostgreSQL no longer parses and plans it on every run. In the many-sales benchmark PostgreSQL
    /// spent 0.35-0.38 ms of CPU a hold with it against 0.54 ms without. Prepared statements survive the connection's
    /// return to the pool. Set <c>Max Auto Prepare=0</c> behind a pooler that cannot keep them (PgBouncer before 1.21
    /// in transaction mode).</item>
    /// <item>At most <see cref="DefaultMaxPoolSize"/> connections. When a sale over 200 new showtimes opened, the
    /// ingress read their layouts at once and opened 93 connections in one second, each with its SCRAM handshake on
    /// both sides; with 16, many-sales answered with an HTTP p99 of 422-451 ms against 584-689 ms, at the same
    /// throughput, and PostgreSQL used half the memory. A few services at Npgsql's default of 100 each would also
    /// pass PostgreSQL's default <c>max_connections</c> (100). A request waits for a free connection
    /// (<c>Timeout</c>, 15 s); raise the bound for an ingress that serves many booking reads.</item>
    /// </list>
    /// </summary>
    public static string WithConnectionDefaults(string connectionString)
    {
        var given = new DbConnectionStringBuilder { ConnectionString = connectionString };
        var completed = new NpgsqlConnectionStringBuilder(connectionString);
        if (!Given(given, "Max Auto Prepare", "MaxAutoPrepare"))
        {
            completed.MaxAutoPrepare = DefaultMaxAutoPrepare;
        }

        if (!Given(given, "Maximum Pool Size", "MaxPoolSize"))
        {
            completed.MaxPoolSize = DefaultMaxPoolSize;
        }

        return completed.ConnectionString;
    }

    private static bool Given(DbConnectionStringBuilder given, params string[] synonyms) => synonyms.Any(given.ContainsKey);
}

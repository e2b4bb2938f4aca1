using Booking.Standalone.Demo;
using Booking.Standalone.Hosting;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.FileProviders;

namespace Booking.Standalone.Extensions;

/// <summary>Registers what the one-process run adds to the ingress, worker and realtime roles it composes.</summary>
public static class StandaloneServiceExtensions
{
    /// <summary>
    /// Adds the demo showtime (created on the first start only) and the start-up banner that prints the URL. The
    /// standalone's <c>appsettings.json</c> beside its binary is the lowest-ranked configuration source, so the
    /// built program starts from any working directory; a relative SQLite path is anchored at the content root (the
    /// working directory: <c>dotnet run --project Booking.Standalone</c> keeps <c>Booking.Standalone/booking.db</c>).
    /// Call it before <c>AddBookingData</c>, which reads the connection string.
    /// </summary>
    public static IHostApplicationBuilder AddStandaloneServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<StandaloneOptions>().BindConfiguration(StandaloneOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Configuration.Sources.Insert(0, new JsonConfigurationSource
        {
            FileProvider = new PhysicalFileProvider(AppContext.BaseDirectory),
            Path = "appsettings.json",
            Optional = true,
        });
        AnchorSqliteFile(builder);
        builder.Services.AddHostedService<DemoShowtimeSeeder>();
        builder.Services.AddHostedService<StartupBanner>();
        return builder;
    }

    private static void AnchorSqliteFile(IHostApplicationBuilder builder)
    {
        var sqlite = builder.Configuration.GetConnectionString("Sqlite");
        if (string.IsNullOrWhiteSpace(sqlite))
        {
            return;
        }

        var connection = new SqliteConnectionStringBuilder(sqlite);
        if (connection.Mode == SqliteOpenMode.Memory || connection.DataSource is "" or ":memory:")
        {
            return;
        }

        if (!Path.IsPathRooted(connection.DataSource))
        {
            connection.DataSource = Path.Combine(builder.Environment.ContentRootPath, connection.DataSource);
            builder.Configuration["ConnectionStrings:Sqlite"] = connection.ConnectionString;
        }

        // A data directory that does not exist yet is made, as the database file would be.
        Directory.CreateDirectory(Path.GetDirectoryName(connection.DataSource)!);
    }
}

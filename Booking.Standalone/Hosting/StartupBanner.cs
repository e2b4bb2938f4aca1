using Booking.Realtime.Hubs;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Data.Sqlite;

namespace Booking.Standalone.Hosting;

/// <summary>
/// Prints where the standalone run can be reached once it is ready (schema made, demo showtime in place), on
/// standard output whatever the log level: the first thing a newcomer, or a script, looks for. With
/// <c>--urls http://127.0.0.1:0</c> it prints the port the system chose.
/// </summary>
internal sealed class StartupBanner(IServer server, IConfiguration configuration) : IHostedLifecycleService
{
    /// <summary>The banner line a script can wait for; the page's URL follows it.</summary>
    public const string SeatMapLine = "Seat map:";

    public Task StartedAsync(CancellationToken cancellationToken)
    {
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses;
        if (addresses is null || addresses.Count == 0)
        {
            return Task.CompletedTask; // an in-process test server has no address to print
        }

        var baseUrl = Displayable(addresses.First()).TrimEnd('/');
        var banner = $"""

            Booking standalone is running (ingress API, worker and hub in one process; Ctrl+C stops it).
              {SeatMapLine,-9} {baseUrl}/
              API:      {baseUrl}/api/showtimes   (OpenAPI: {baseUrl}/openapi/v1.json)
              Hub:      {baseUrl}{BookingHub.Path}
              Database: {DescribeDatabase()}

            """;
        Console.Out.Write(banner);
        Console.Out.Flush();
        return Task.CompletedTask;
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>A wildcard binding (<c>http://+:5000</c>) is shown as <c>localhost</c>, an address a browser can open.</summary>
    private static string Displayable(string address)
    {
        var uri = new UriBuilder(address.Replace("://+", "://localhost", StringComparison.Ordinal)
            .Replace("://*", "://localhost", StringComparison.Ordinal));
        if (uri.Host is "0.0.0.0" or "[::]" or "::")
        {
            uri.Host = "localhost";
        }

        return uri.Uri.GetLeftPart(UriPartial.Authority);
    }

    /// <summary>Names the database without printing credentials.</summary>
    private string DescribeDatabase()
    {
        if (!string.IsNullOrWhiteSpace(configuration.GetConnectionString("Postgres")))
        {
            return "PostgreSQL (ConnectionStrings:Postgres)";
        }

        return $"SQLite {new SqliteConnectionStringBuilder(configuration.GetConnectionString("Sqlite")).DataSource}";
    }
}

using Booking.Core.Data;
using Booking.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Booking.Core.Tests.Data;

/// <summary>
/// The services' connection defaults: statements are prepared once a connection has run them a few times, and the
/// pool is bounded, unless the connection string says otherwise.
/// </summary>
public sealed class ConnectionDefaultsTests : IAsyncLifetime
{
    private TestServers? _servers;
    private string _database = "";

    public async Task InitializeAsync()
    {
        _servers = await TestServers.StartAsync();
        _database = await _servers.CreateDatabaseAsync("prepare");
    }

    public async Task DisposeAsync() => await _servers!.DisposeAsync();

    [Fact]
    public async Task Should_prepare_a_statement_the_context_runs_again_and_again()
    {
        Assert.True(await PreparedAfterRepeatsAsync(_database) > 0);
    }

    [Fact]
    public async Task Should_prepare_nothing_when_the_connection_string_sets_max_auto_prepare_to_zero()
    {
        Assert.Equal(0, await PreparedAfterRepeatsAsync(_database + ";Max Auto Prepare=0"));
    }

    [Fact]
    public void Should_add_the_defaults_a_connection_string_leaves_unsaid()
    {
        var completed = new NpgsqlConnectionStringBuilder(DataExtensions.WithConnectionDefaults("Host=db;Password=p"));

        Assert.Equal(
            (DataExtensions.DefaultMaxAutoPrepare, DataExtensions.DefaultMaxPoolSize, "db", "p"),
            (completed.MaxAutoPrepare, completed.MaxPoolSize, completed.Host, completed.Password));
    }

    [Theory]
    [InlineData("Host=db;MaxAutoPrepare=5;Maximum Pool Size=40")]
    [InlineData("Host=db;Max Auto Prepare=5;MaxPoolSize=40")]
    [InlineData("Host=db;max auto prepare=5;maxpoolsize=40")]
    public void Should_keep_what_a_connection_string_sets(string connectionString)
    {
        var completed = new NpgsqlConnectionStringBuilder(DataExtensions.WithConnectionDefaults(connectionString));

        Assert.Equal((5, 40), (completed.MaxAutoPrepare, completed.MaxPoolSize));
    }

    /// <summary>Runs one query ten times on one connection of the registered context; returns the statements prepared.</summary>
    private static async Task<long> PreparedAfterRepeatsAsync(string connectionString)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:Postgres"] = connectionString });
        builder.AddBookingData(migrateOnStart: false);
        using var host = builder.Build();
        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BookingDbContext>();
        await db.Database.OpenConnectionAsync();
        for (var i = 0; i < 10; i++)
        {
            await db.Database.SqlQuery<int>($"SELECT {i} AS \"Value\"").SingleAsync();
        }

        return await db.Database.SqlQuery<long>($"SELECT count(*) AS \"Value\" FROM pg_prepared_statements").SingleAsync();
    }
}

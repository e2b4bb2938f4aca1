using Booking.Core.Data;
using Booking.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Booking.Core.Tests.Data;

/// <summary>The services' PostgreSQL statements are prepared once a connection has run them a few times.</summary>
public sealed class AutoPrepareTests : IAsyncLifetime
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
    public void Should_leave_a_connection_string_alone_when_it_sets_max_auto_prepare()
    {
        Assert.Equal("Host=db;MaxAutoPrepare=5", DataExtensions.WithAutoPrepare("Host=db;MaxAutoPrepare=5"));
        var completed = DataExtensions.WithAutoPrepare("Host=db;Password=p");
        Assert.Contains($"Max Auto Prepare={DataExtensions.DefaultMaxAutoPrepare}", completed);
        Assert.Contains("Password=p", completed);
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

using DotNet.Testcontainers.Containers;
using Npgsql;
using Testcontainers.PostgreSql;
using Testcontainers.RabbitMq;
using Testcontainers.Redis;

namespace Booking.Testing;

/// <summary>
/// The real PostgreSQL, Redis and RabbitMQ servers the tests talk to. Connection strings from the environment win
/// (<c>ConnectionStrings__Postgres</c>, <c>__Redis</c>, <c>__RabbitMq</c>, set by <c>scripts/test.sh</c>); without
/// them the servers are started with Testcontainers, which needs a Docker engine.
/// </summary>
public sealed class TestServers : IAsyncDisposable
{
    private readonly List<IContainer> _containers = [];

    private TestServers()
    {
    }

    /// <summary>The server's own connection string; each fixture makes its own database on it.</summary>
    public string PostgresServer { get; private set; } = "";

    public string Redis { get; private set; } = "";

    public string RabbitMq { get; private set; } = "";

    public static async Task<TestServers> StartAsync()
    {
        var servers = new TestServers
        {
            PostgresServer = Environment.GetEnvironmentVariable("ConnectionStrings__Postgres") ?? "",
            Redis = Environment.GetEnvironmentVariable("ConnectionStrings__Redis") ?? "",
            RabbitMq = Environment.GetEnvironmentVariable("ConnectionStrings__RabbitMq") ?? "",
        };
        if (servers.PostgresServer == "")
        {
            var postgres = new PostgreSqlBuilder("postgres:15").Build();
            await servers.StartAsync(postgres);
            servers.PostgresServer = postgres.GetConnectionString();
        }

        if (servers.Redis == "")
        {
            var redis = new RedisBuilder("redis:7").WithCommand("--appendonly", "yes").Build();
            await servers.StartAsync(redis);
            servers.Redis = redis.GetConnectionString();
        }

        if (servers.RabbitMq == "")
        {
            var rabbitMq = new RabbitMqBuilder("rabbitmq:3.13").Build();
            await servers.StartAsync(rabbitMq);
            servers.RabbitMq = rabbitMq.GetConnectionString();
        }

        return servers;
    }

    /// <summary>Makes a new, empty database on the server and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix)
    {
        var name = $"{prefix}_{Guid.NewGuid():N}"[..40].ToLowerInvariant();
        await using (var connection = new NpgsqlConnection(PostgresServer))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await command.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(PostgresServer) { Database = name, MaxPoolSize = 200 }.ConnectionString;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var container in _containers)
        {
            await container.DisposeAsync();
        }
    }

    private async Task StartAsync(IContainer container)
    {
        _containers.Add(container);
        await container.StartAsync();
    }
}

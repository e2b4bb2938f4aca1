using Booking.Ingress;
using Booking.Worker;
using Microsoft.Extensions.DependencyInjection;
using RabbitMQ.Client;
using StackExchange.Redis;
using Xunit;

namespace Booking.Testing;

/// <summary>
/// The distributed system on real servers: an ingress and a worker started in-process against a fresh PostgreSQL
/// database, Redis and RabbitMQ. Shared by the tests of one assembly (collection fixture); each test makes its own
/// showtime, so tests never depend on each other.
/// </summary>
public class BookingSystemFixture : IAsyncLifetime, IBookingSystem
{
    public const int Partitions = 4;

    private readonly List<IAsyncDisposable> _hosts = [];

    public TestServers Servers { get; private set; } = null!;

    /// <summary>The connection string of this fixture's own database.</summary>
    public string Postgres { get; private set; } = "";

    /// <summary>Whether the fixture starts an ingress and a worker; fault tests start their own.</summary>
    protected virtual bool StartsServices => true;

    public ServiceHost<IngressApp> Ingress { get; private set; } = null!;

    public ServiceHost<WorkerApp> Worker { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Servers = await TestServers.StartAsync();
        Postgres = await Servers.CreateDatabaseAsync("booking");
        await ResetBrokerAndGateAsync();
        if (!StartsServices)
        {
            return;
        }

        Worker = StartWorker();
        Ingress = Track(new ServiceHost<IngressApp>(Settings()));
        _ = Ingress.Server;
        await Worker.WaitForAllPartitionsAsync();
    }

    /// <summary>The settings every service of this fixture runs with; <paramref name="overrides"/> win.</summary>
    public Dictionary<string, string?> Settings(IReadOnlyDictionary<string, string?>? overrides = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Postgres"] = Postgres,
            ["ConnectionStrings:Redis"] = Servers.Redis,
            ["ConnectionStrings:RabbitMq"] = Servers.RabbitMq,
            ["Booking:Partitions"] = Partitions.ToString(),
            ["Auth:SigningKey"] = TestTokens.SigningKey,
            ["Auth:DevTokens"] = "true",
            ["Worker:Partitions:HeartbeatSeconds"] = "0.5",
            ["Worker:Partitions:WorkerTtlSeconds"] = "2",
            ["Worker:Sweeper:IntervalSeconds"] = "0.5",
            // Expiry tests confirm a lapsed hold before the sweeper may end it; the confirm takes up to seconds on a
            // busy machine.
            ["Worker:Sweeper:GraceSeconds"] = "5",
            ["Worker:Sweeper:RepublishAfterSeconds"] = "2",
            ["Logging:LogLevel:Default"] = Environment.GetEnvironmentVariable("BOOKING_TEST_LOG_LEVEL") ?? "Warning",
        };
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        return settings;
    }

    /// <summary>
    /// Starts one more worker in this process (it joins the partition assignment like another machine);
    /// <paramref name="services"/> are added after the worker's own.
    /// </summary>
    public ServiceHost<WorkerApp> StartWorker(
        IReadOnlyDictionary<string, string?>? overrides = null, Action<IServiceCollection>? services = null)
    {
        var worker = Track(new ServiceHost<WorkerApp>(Settings(overrides), services));
        _ = worker.Server;
        return worker;
    }

    /// <summary>A client of the ingress that acts as <paramref name="subject"/>.</summary>
    public Task<BookingClient> ClientAsync(string subject, params string[] roles) => Ingress.ClientAsync(subject, roles);

    /// <summary>Starts one more ingress in this process.</summary>
    public ServiceHost<IngressApp> StartIngress(IReadOnlyDictionary<string, string?>? overrides = null)
    {
        var ingress = Track(new ServiceHost<IngressApp>(Settings(overrides)));
        _ = ingress.Server;
        return ingress;
    }

    public HttpClient CreateAnonymousClient() => Ingress.CreateClient();

    public IDatabase Redis => Ingress.Services.GetRequiredService<IConnectionMultiplexer>().GetDatabase();

    public async Task DisposeAsync()
    {
        foreach (var host in Enumerable.Reverse(_hosts))
        {
            await host.DisposeAsync();
        }

        await Servers.DisposeAsync();
    }

    public static Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout) =>
        WaitUntilAsync(() => Task.FromResult(condition()), timeout);

    public static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Condition not met within {timeout}.");
            }

            await Task.Delay(50);
        }
    }

    private T Track<T>(T host)
        where T : IAsyncDisposable
    {
        _hosts.Add(host);
        return host;
    }

    /// <summary>
    /// Test assemblies run one after another on the same servers: queues and gate keys left by the previous one
    /// belong to another database, so they go.
    /// </summary>
    private async Task ResetBrokerAndGateAsync()
    {
        var factory = new ConnectionFactory { Uri = new Uri(Servers.RabbitMq) };
        await using (var connection = await factory.CreateConnectionAsync())
        await using (var channel = await connection.CreateChannelAsync())
        {
            for (var partition = 0; partition < 64; partition++)
            {
                await channel.QueueDeleteAsync($"booking-partition-{partition}", ifUnused: false, ifEmpty: false);
                await channel.QueueDeleteAsync($"booking-partition-{partition}_error", ifUnused: false, ifEmpty: false);
            }
        }

        await using var redis = await ConnectionMultiplexer.ConnectAsync($"{Servers.Redis},allowAdmin=true");
        foreach (var server in redis.GetServers())
        {
            await server.FlushAllDatabasesAsync();
        }
    }
}

using System.Diagnostics;
using System.Text;
using Booking.ServiceDefaults;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Booking.Ingress.Hosting;

/// <summary>
/// As soon as the ingress listens, sends one request down each API path through its own HTTP pipeline (the token's
/// validation, routing, the body's binding and validation, the database lookups, the problem answers), for a showtime
/// and a booking that do not exist, so each is answered 404 and nothing changes. Until they are answered,
/// <c>/health/ready</c> reports this check unhealthy, so a load balancer sends no buyer to an ingress that would
/// still be compiling its paths: on a freshly started ingress the first hold waited 1.2-1.7 s for that. The first
/// hold that reaches the gate and the broker still compiles those two steps (about 0.5 s). An ingress served
/// in-process (a test server) has no address to call, and one whose warm-up fails is ready anyway: it only saves time.
/// </summary>
public sealed class IngressWarmUp(IServer server, IHostApplicationLifetime lifetime, IOptions<AuthOptions> auth, ILogger<IngressWarmUp> logger)
    : BackgroundService, IHealthCheck
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(15);

    private volatile bool _done;

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(_done ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("warming up its paths"));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
            {
                await started.Task.WaitAsync(stoppingToken);
            }

            if (OwnAddress() is { } address)
            {
                await WarmUpAsync(address, stoppingToken);
            }
        }
        catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
        {
            logger.LogWarning(ex, "Warm-up skipped; the first requests will compile their paths instead");
        }
        finally
        {
            _done = true;
        }
    }

    /// <summary>
    /// The first HTTP address Kestrel listens on. Once it listens these are the bound addresses (<c>http://+:8080</c>
    /// shows as <c>http://[::]:8080</c>), and an any-address host is called on loopback.
    /// </summary>
    private Uri? OwnAddress()
    {
        var address = server.Features.Get<IServerAddressesFeature>()?.Addresses
            .FirstOrDefault(a => a.StartsWith("http://", StringComparison.OrdinalIgnoreCase));
        if (address is null)
        {
            return null;
        }

        var uri = new UriBuilder(address);
        if (uri.Host is "[::]" or "0.0.0.0")
        {
            uri.Host = "localhost";
        }

        return uri.Uri;
    }

    private async Task WarmUpAsync(Uri address, CancellationToken stoppingToken)
    {
        var watch = Stopwatch.StartNew();
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        limit.CancelAfter(Limit);
        using var client = new HttpClient { BaseAddress = address };
        var token = AuthenticationExtensions.MintToken(auth.Value, "warm-up", [], DateTimeOffset.UtcNow.Add(Limit));
        var unknown = Guid.NewGuid();
        (HttpMethod Method, string Path, string? Body)[] requests =
        [
            (HttpMethod.Post, $"/api/showtimes/{unknown}/holds", """{"seats":["A1"]}"""),
            (HttpMethod.Get, $"/api/showtimes/{unknown}/seats", null),
            (HttpMethod.Get, $"/api/bookings/{unknown}", null),
            (HttpMethod.Post, $"/api/bookings/{unknown}/confirm", null),
            (HttpMethod.Delete, $"/api/bookings/{unknown}", null),
        ];
        var statuses = new List<int>();
        foreach (var (method, path, body) in requests)
        {
            using var request = new HttpRequestMessage(method, path);
            request.Headers.Authorization = new("Bearer", token);
            if (body is not null)
            {
                request.Content = new StringContent(body, Encoding.UTF8, "application/json");
            }

            using var response = await client.SendAsync(request, limit.Token);
            statuses.Add((int)response.StatusCode);
        }

        logger.LogInformation("Warmed up {Count} API paths in {Milliseconds:0} ms (answers {Statuses})",
            requests.Length, watch.Elapsed.TotalMilliseconds, string.Join(", ", statuses));
    }
}

using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Booking.Testing;

/// <summary>
/// One Booking service started in-process on the test server, with settings given in code, and optionally services
/// added after the service's own (a fault-injecting interceptor, for example).
/// </summary>
/// <typeparam name="TApp">The service's marker type (<c>IngressApp</c>, <c>WorkerApp</c>, ...).</typeparam>
public sealed class ServiceHost<TApp>(IReadOnlyDictionary<string, string?> settings, Action<IServiceCollection>? services = null)
    : WebApplicationFactory<TApp>
    where TApp : class
{
    /// <summary>
    /// How long a test host may take to stop. A worker whose partitions take longer to stop than its shutdown time (30 s
    /// unless set) leaves their consumers at the broker while the test process lives: the bus's stop, given the spent
    /// token, cuts their cancels short. They stay their queues' single active consumers and take the messages of every later test's
    /// workers (FaultFixture.AssertNoWorkerLeftAsync). A test host gets more time, so that a slow stop on a loaded
    /// machine ends before its bus stops; the shutdown tests still require their stops within 30 s.
    /// </summary>
    private static readonly TimeSpan ShutdownTimeout = TimeSpan.FromMinutes(2);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.ConfigureServices(services => services.Configure<HostOptions>(options => options.ShutdownTimeout = ShutdownTimeout));
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }

        if (services is not null)
        {
            builder.ConfigureTestServices(services);
        }
    }
}

using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

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
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
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

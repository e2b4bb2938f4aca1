using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Booking.Worker.Tests.Callbacks;

/// <summary>
/// A callback receiver on a real Kestrel server on 127.0.0.1: records every request it gets and answers 500 to the
/// first <c>failFirst</c> attempts of each <c>webhook-id</c>, then 200.
/// </summary>
public sealed class CallbackReceiver : IAsyncDisposable
{
    public const string Path = "/hooks/booking";

    private readonly WebApplication _app;

    private readonly ConcurrentDictionary<string, int> _attempts = new();

    private CallbackReceiver(WebApplication app) => _app = app;

    public ConcurrentQueue<ReceivedCallback> Received { get; } = new();

    public int Port { get; private set; }

    /// <summary>The receiver's URL with the given host name, e.g. <c>127.0.0.1</c> or <c>localhost</c>.</summary>
    public string UrlVia(string host) => $"http://{host}:{Port}{Path}";

    public static async Task<CallbackReceiver> StartAsync(int failFirst)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new CallbackReceiver(app);
        app.MapPost(Path, async (HttpRequest request) =>
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            var id = request.Headers["webhook-id"].ToString();
            var answer = receiver._attempts.AddOrUpdate(id, 1, (_, n) => n + 1) <= failFirst
                ? StatusCodes.Status500InternalServerError
                : StatusCodes.Status200OK;
            receiver.Received.Enqueue(new ReceivedCallback(
                id,
                request.Headers["webhook-timestamp"].ToString(),
                request.Headers["webhook-signature"].ToString(),
                request.ContentType,
                body.ToArray(),
                answer));
            return Results.StatusCode(answer);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        receiver.Port = new Uri(address).Port;
        return receiver;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}

/// <summary>One request the receiver got, as it got it, and what it answered.</summary>
public sealed record ReceivedCallback(string Id, string Timestamp, string Signature, string? ContentType, byte[] Body, int Answer);

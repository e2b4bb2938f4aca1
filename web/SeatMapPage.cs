using System.Reflection;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Net.Http.Headers;

namespace Booking.SeatMap;

/// <summary>
/// Serves the seat-map page: <c>/</c> is the page, <c>/seatmap/*</c> its script, styles and the vendored SignalR
/// client, <c>/seatmap/config.json</c> where the hub is. The files are embedded into the host by
/// <c>web/SeatMap.targets</c>, so the page needs no web root and works from any working directory.
/// </summary>
/// <remarks>
/// Compiled into each host that imports <c>web/SeatMap.targets</c> (internal, so two hosts in one process never clash).
/// The hub's URL comes from <c>SeatMap:HubUrl</c>: <c>/hubs/booking</c> (same origin) by default, an absolute URL
/// where the hub runs elsewhere (the distributed run's Booking.Realtime, which must then allow the page's origin).
/// </remarks>
internal static class SeatMapPage
{
    private const string ResourcePrefix = "SeatMap/";
    private const string DefaultHubUrl = "/hubs/booking";
    private const string MappedKey = "Booking.SeatMap.Mapped";

    /// <summary>
    /// Maps the page once per application: a host that composes several roles may call it from more than one of them
    /// (each compiled copy of this class shares the marker in the application's properties).
    /// </summary>
    public static IEndpointRouteBuilder MapSeatMapPage(this IEndpointRouteBuilder app)
    {
        if (app is IApplicationBuilder application && !application.Properties.TryAdd(MappedKey, true))
        {
            return app;
        }

        var files = LoadFiles(typeof(SeatMapPage).Assembly);
        if (!files.ContainsKey("index.html") || !files.ContainsKey("signalr.min.js"))
        {
            throw new InvalidOperationException("The seat-map page is not embedded in this assembly: import web/SeatMap.targets in its project.");
        }

        var hubUrl = app.ServiceProvider.GetRequiredService<IConfiguration>()["SeatMap:HubUrl"];
        var config = new PageConfig(string.IsNullOrWhiteSpace(hubUrl) ? DefaultHubUrl : hubUrl);

        app.MapGet("/", (HttpContext http) => Serve(http, files["index.html"])).ExcludeFromDescription();
        app.MapGet("/seatmap/config.json", (HttpContext http) =>
            {
                http.Response.Headers.CacheControl = "no-cache";
                return TypedResults.Ok(config);
            })
            .ExcludeFromDescription();
        app.MapGet("/seatmap/{file}", (string file, HttpContext http) =>
                file != "index.html" && files.TryGetValue(file, out var page) ? Serve(http, page) : Results.NotFound())
            .ExcludeFromDescription();
        return app;
    }

    private static IResult Serve(HttpContext http, PageFile file)
    {
        // Revalidated on every load (the ETag makes that a 304), so a new build is seen at once.
        http.Response.Headers.CacheControl = "no-cache";
        http.Response.Headers.XContentTypeOptions = "nosniff";
        if (file.ContentType.StartsWith("text/html", StringComparison.Ordinal))
        {
            http.Response.Headers.ContentSecurityPolicy =
                "default-src 'self'; connect-src 'self' http: https: ws: wss:; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'";
            http.Response.Headers["Referrer-Policy"] = "no-referrer";
        }

        return Results.Bytes(file.Content, file.ContentType, entityTag: file.ETag);
    }

    private static Dictionary<string, PageFile> LoadFiles(Assembly assembly)
    {
        var types = new FileExtensionContentTypeProvider();
        var files = new Dictionary<string, PageFile>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            var content = buffer.ToArray();
            var fileName = name[ResourcePrefix.Length..];
            var contentType = types.TryGetContentType(fileName, out var type) ? type : "application/octet-stream";
            if (contentType.StartsWith("text/", StringComparison.Ordinal) || contentType == "application/javascript")
            {
                contentType += "; charset=utf-8";
            }

            var etag = new EntityTagHeaderValue($"\"{Convert.ToHexStringLower(SHA256.HashData(content))[..16]}\"");
            files[fileName] = new PageFile(content, contentType, etag);
        }

        return files;
    }

    private sealed record PageFile(byte[] Content, string ContentType, EntityTagHeaderValue ETag);

    /// <summary>What the page's script needs to know about this deployment.</summary>
    private sealed record PageConfig(string HubUrl);
}

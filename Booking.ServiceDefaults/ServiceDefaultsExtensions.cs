using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Booking.ServiceDefaults;

/// <summary>Hosting plumbing every Booking service shares: JSON, problem details, telemetry, health, auth.</summary>
public static class ServiceDefaultsExtensions
{
    /// <summary>Tag of the health checks that only say the process is alive (no dependency is asked).</summary>
    public const string LiveTag = "live";

    /// <summary>Prefix of the meters and activity sources of Booking's own code.</summary>
    public const string TelemetryPrefix = "Booking";

    /// <summary>
    /// Adds JSON settings, problem details, OpenTelemetry and health checks. Services with an API or a hub add
    /// <see cref="AuthenticationExtensions.AddBookingAuthentication"/> too.
    /// </summary>
    public static IHostApplicationBuilder AddServiceDefaults(this IHostApplicationBuilder builder)
    {
        builder.Services.Configure<JsonOptions>(options => ConfigureJson(options.SerializerOptions));
        builder.Services.AddProblemDetails(options => options.CustomizeProblemDetails = ProblemDetailsDefaults.Describe);
        builder.Services.AddHealthChecks().AddCheck("self", () => HealthCheckResult.Healthy(), [LiveTag]);
        builder.AddBookingTelemetry();
        return builder;
    }

    /// <summary>camelCase names, enums as camelCase strings, nulls left out.</summary>
    public static void ConfigureJson(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
    }

    /// <summary>
    /// Maps <c>/health/live</c> (the process answers), <c>/health/ready</c> (every registered dependency answers),
    /// <c>/metrics</c> (Prometheus), and the middleware that turns errors and empty error responses into problem
    /// details.
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        // A request the framework could not read (malformed JSON, wrong types) is the caller's error: 400, not 500.
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            StatusCodeSelector = exception => exception is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError,
        });
        app.UseStatusCodePages();
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = check => check.Tags.Contains(LiveTag) });
        app.MapHealthChecks("/health/ready");
        app.MapPrometheusScrapingEndpoint("/metrics");
        return app;
    }

    private static IHostApplicationBuilder AddBookingTelemetry(this IHostApplicationBuilder builder)
    {
        var telemetry = builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                // "Booking.*" alone does not match the business meter named just "Booking".
                .AddMeter(TelemetryPrefix, TelemetryPrefix + ".*", "MassTransit", "Npgsql")
                .AddPrometheusExporter());

        // Traces are recorded only when an OTLP collector is configured to take them. Without one, every request,
        // message and query would still build its spans and tags, only to drop them.
        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            telemetry.WithTracing(tracing => tracing
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                // The process's Redis connection, when it has one (the standalone gate runs in process).
                .AddRedisInstrumentation()
                .AddSource(TelemetryPrefix, TelemetryPrefix + ".*", "MassTransit", "Npgsql")
                .AddOtlpExporter());
        }

        return builder;
    }
}

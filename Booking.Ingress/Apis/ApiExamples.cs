using System.Globalization;
using System.Text.Json;
using Booking.Core.Bookings;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Options;

namespace Booking.Ingress.Apis;

/// <summary>
/// The examples of the API reference (<c>/openapi/v1.json</c>, shown by the reference page in Development): a sample
/// of each request and response body, written with the API's own JSON options so that it reads as the wire does, and
/// the problem answers of each endpoint, each with an example made by the method that makes the real answer (which
/// also carries a <c>traceId</c>).
/// </summary>
public static class ApiExamples
{
    /// <summary>The showtime of the examples, also for problem details that name one.</summary>
    public static readonly Guid ExampleShowtimeId = Guid.Parse("01a22256-fd4d-7342-9f4e-13d5e9a25817");

    /// <summary>The booking of the examples, also for problem details that name one.</summary>
    public static readonly Guid ExampleBookingId = Guid.Parse("01a22256-fdcd-7bde-8cbb-fb5599b0eb56");

    private static readonly DateTimeOffset StartsAt = new(2026, 12, 19, 20, 0, 0, TimeSpan.Zero);

    private static readonly Dictionary<Type, object> Bodies = new()
    {
        [typeof(CreateShowtimeRequest)] = new CreateShowtimeRequest(
            "Nosferatu", "Hall 1", StartsAt, [new SeatRowRequest("A", 12), new SeatRowRequest("B", 12)], HoldSeconds: 600),
        [typeof(ShowtimeResponse)] = new ShowtimeResponse(ExampleShowtimeId, "Nosferatu", "Hall 1", StartsAt, 600, 24, new SeatCounts(20, 2, 2)),
        [typeof(SeatMapResponse)] = new SeatMapResponse(
            ExampleShowtimeId, 4, [new SeatResponse("A1", "A", 1, "sold"), new SeatResponse("A2", "A", 2, "held"), new SeatResponse("A3", "A", 3, "available")]),
        [typeof(HoldRequest)] = new HoldRequest(["A1", "A2"], "https://tickets.example.com/booking-events"),
        [typeof(HoldAcceptedResponse)] = new HoldAcceptedResponse(ExampleBookingId, "pending", $"/api/bookings/{ExampleBookingId}"),
        [typeof(BookingView)] = new BookingView(ExampleBookingId, ExampleShowtimeId, "alice", ["A1", "A2"], "held", null, new(2026, 11, 28, 13, 40, 0, TimeSpan.Zero), 2),
        [typeof(HttpValidationProblemDetails)] = TypedResults.ValidationProblem(
            new Dictionary<string, string[]> { ["seats"] = ["These seats do not exist in this showtime: Z9."] }).ProblemDetails,
    };

    /// <summary>Gives every schema of a body above its sample as its example.</summary>
    public static OpenApiOptions AddBodyExamples(this OpenApiOptions options) =>
        options.AddSchemaTransformer((schema, context, _) =>
        {
            if (Bodies.TryGetValue(context.JsonTypeInfo.Type, out var body))
            {
                schema.Examples = [JsonSerializer.SerializeToNode(body, context.JsonTypeInfo.Type, context.JsonTypeInfo.Options)!];
            }

            return Task.CompletedTask;
        });

    /// <summary>
    /// Declares a problem answer of the endpoint (<c>application/problem+json</c>), with <paramref name="example"/>, an
    /// answer made by the same method that makes the real ones, as its example.
    /// </summary>
    public static RouteHandlerBuilder ProducesProblemExample(this RouteHandlerBuilder builder, ProblemHttpResult example)
    {
        var status = example.StatusCode;
        return builder
            .ProducesProblem(status)
            .AddOpenApiOperationTransformer((operation, context, _) =>
            {
                if (operation.Responses?.GetValueOrDefault(status.ToString(CultureInfo.InvariantCulture))?.Content is { } content)
                {
                    var json = context.ApplicationServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
                    foreach (var media in content.Values)
                    {
                        media.Example = JsonSerializer.SerializeToNode(example.ProblemDetails, json);
                    }
                }

                return Task.CompletedTask;
            });
    }
}

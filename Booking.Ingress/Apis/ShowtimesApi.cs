using Booking.Core;
using Booking.Core.Data;
using Booking.Ingress.Showtimes;
using Booking.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Booking.Ingress.Apis;

/// <summary><c>/api/showtimes</c>: create (admin), list, read, and the seat map (anyone).</summary>
public static class ShowtimesApi
{
    public static IEndpointRouteBuilder MapShowtimesApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/showtimes").WithTags("Showtimes");
        api.MapPost("/", CreateAsync).RequireAuthorization(Roles.Admin)
            .WithSummary("Create a showtime and its seats (admin)");
        api.MapGet("/", ListAsync).WithSummary("List showtimes with seat counts by status");
        api.MapGet("/{id:guid}", GetAsync).WithSummary("Read a showtime").ProducesProblemExample(ShowtimeNotFound(ApiExamples.ExampleShowtimeId));
        api.MapGet("/{id:guid}/seats", GetSeatsAsync)
            .WithSummary("Read a showtime's seat map")
            .Produces<SeatMapResponse>(StatusCodes.Status200OK)
            .Produces(StatusCodes.Status304NotModified)
            .ProducesProblemExample(ShowtimeNotFound(ApiExamples.ExampleShowtimeId));
        return app;
    }

    private static async Task<Results<Created<ShowtimeResponse>, ValidationProblem>> CreateAsync(
        CreateShowtimeRequest request, BookingDbContext db, IOptions<BookingOptions> options, TimeProvider clock, CancellationToken cancellationToken)
    {
        var errors = request.Validate(options.Value);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var showtime = new Showtime
        {
            Id = Guid.CreateVersion7(),
            Movie = request.Movie!.Trim(),
            Auditorium = request.Auditorium!.Trim(),
            StartsAt = request.StartsAt!.Value.UtcDateTime,
            HoldSeconds = request.HoldSeconds ?? options.Value.DefaultHoldSeconds,
            CreatedAt = clock.GetUtcNow().UtcDateTime,
        };
        foreach (var row in request.Rows!)
        {
            showtime.AddRow(row.Row!.ToUpperInvariant(), row.Seats);
        }

        db.Showtimes.Add(showtime);
        await db.SaveChangesAsync(cancellationToken);
        var counts = new SeatCounts(showtime.Seats.Count, 0, 0);
        return TypedResults.Created($"/api/showtimes/{showtime.Id}", ToResponse(showtime, counts));
    }

    private static async Task<Ok<List<ShowtimeResponse>>> ListAsync(BookingDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        var showtimes = await db.Showtimes.AsNoTracking().OrderBy(s => s.StartsAt).ThenBy(s => s.Id).ToListAsync(cancellationToken);
        var counts = await CountSeatsAsync(db, clock, null, cancellationToken);
        return TypedResults.Ok(showtimes.Select(s => ToResponse(s, counts.GetValueOrDefault(s.Id, new SeatCounts(0, 0, 0)))).ToList());
    }

    private static async Task<Results<Ok<ShowtimeResponse>, ProblemHttpResult>> GetAsync(
        Guid id, BookingDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        var showtime = await db.Showtimes.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, cancellationToken);
        if (showtime is null)
        {
            return ShowtimeNotFound(id);
        }

        var counts = await CountSeatsAsync(db, clock, id, cancellationToken);
        return TypedResults.Ok(ToResponse(showtime, counts.GetValueOrDefault(id, new SeatCounts(0, 0, 0))));
    }

    /// <summary>
    /// The seat map with its <c>ETag</c>; a client that sends the tag it has in <c>If-None-Match</c> gets
    /// <c>304</c> with no body while the map is the same.
    /// </summary>
    private static async Task<Results<FileContentHttpResult, StatusCodeHttpResult, ProblemHttpResult>> GetSeatsAsync(
        Guid id, HttpContext http, BookingDbContext db, SeatMaps seatMaps, TimeProvider clock, CancellationToken cancellationToken)
    {
        var snapshot = await seatMaps.ReadAsync(db, id, clock.GetUtcNow().UtcDateTime, cancellationToken);
        if (snapshot is null)
        {
            return ShowtimeNotFound(id);
        }

        http.Response.Headers.ETag = snapshot.ETag;
        // Weak comparison, as If-None-Match asks: the tag's opaque part alone, whether or not it came with W/.
        var known = http.Request.GetTypedHeaders().IfNoneMatch;
        if (known.Any(tag => tag.Equals(EntityTagHeaderValue.Any) || tag.Tag.Equals(snapshot.ETag, StringComparison.Ordinal)))
        {
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        }

        return TypedResults.Bytes(snapshot.Json, "application/json; charset=utf-8");
    }

    internal static ProblemHttpResult ShowtimeNotFound(Guid id) =>
        TypedResults.Problem($"Showtime {id} does not exist.", statusCode: StatusCodes.Status404NotFound, title: "Showtime not found");

    private static async Task<Dictionary<Guid, SeatCounts>> CountSeatsAsync(
        BookingDbContext db, TimeProvider clock, Guid? showtimeId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var seats = db.Seats.AsNoTracking();
        if (showtimeId is { } id)
        {
            seats = seats.Where(s => s.ShowtimeId == id);
        }

        var rows = await seats
            .GroupBy(s => s.ShowtimeId)
            .Select(g => new
            {
                ShowtimeId = g.Key,
                Held = g.Count(s => s.Status == SeatStatus.Held && s.HoldExpiresAt > now),
                Sold = g.Count(s => s.Status == SeatStatus.Sold),
                Total = g.Count(),
            })
            .ToListAsync(cancellationToken);
        return rows.ToDictionary(r => r.ShowtimeId, r => new SeatCounts(r.Total - r.Held - r.Sold, r.Held, r.Sold));
    }

    private static ShowtimeResponse ToResponse(Showtime showtime, SeatCounts counts) => new(
        showtime.Id,
        showtime.Movie,
        showtime.Auditorium,
        showtime.StartsAt.AsUtc(),
        showtime.HoldSeconds,
        counts.Available + counts.Held + counts.Sold,
        counts);
}

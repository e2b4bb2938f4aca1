using System.Security.Claims;
using Booking.Contracts;
using Booking.Core;
using Booking.Core.Bookings;
using Booking.Core.Data;
using Booking.Core.Partitioning;
using Booking.Ingress.Holds;
using Booking.Ingress.Shedding;
using Booking.ServiceDefaults;
using MassTransit;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Booking.Ingress.Apis;

/// <summary>
/// <c>/api/bookings/{id}</c>: read (owner or admin), confirm and cancel (owner). Anyone else gets 404, so booking ids
/// reveal nothing. Confirm and cancel go through the showtime's partition queue like holds.
/// </summary>
public static class BookingsApi
{
    public static IEndpointRouteBuilder MapBookingsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/bookings").WithTags("Bookings").RequireAuthorization();
        api.MapGet("/{id:guid}", GetAsync).WithSummary("Read a booking (owner or admin)").ProducesBookingNotFound();
        api.MapPost("/{id:guid}/confirm", ConfirmAsync).WithSummary("Buy the held seats (owner)").ProducesSendForHeldProblems();
        api.MapDelete("/{id:guid}", CancelAsync).WithSummary("Cancel a hold and free its seats (owner)").ProducesSendForHeldProblems();
        return app;
    }

    private static RouteHandlerBuilder ProducesBookingNotFound(this RouteHandlerBuilder builder) =>
        builder.ProducesProblemExample(BookingNotFound(ApiExamples.ExampleBookingId));

    private static RouteHandlerBuilder ProducesSendForHeldProblems(this RouteHandlerBuilder builder) =>
        builder.ProducesBookingNotFound()
            .ProducesProblemExample(NotHeld("expired"))
            .ProducesProblemExample(HoldsApi.ServiceUnavailableProblem(HoldsApi.BusyBroker, retryAfterSeconds: 1));

    private static async Task<Results<Ok<BookingView>, ProblemHttpResult>> GetAsync(
        Guid id, ClaimsPrincipal user, BookingDbContext db, PendingBookings pending, CancellationToken cancellationToken)
    {
        var (_, view) = await FindAsync(id, db, pending, cancellationToken);
        return view is not null && (view.CustomerId == user.CustomerId() || user.IsInRole(Roles.Admin))
            ? TypedResults.Ok(view)
            : BookingNotFound(id);
    }

    private static Task<Results<Accepted<BookingView>, ProblemHttpResult>> ConfirmAsync(
        Guid id, ClaimsPrincipal user, HttpContext http, BookingDbContext db, PendingBookings pending, ISendEndpointProvider sender,
        SendSlots sendSlots, IOptions<BookingOptions> options, TimeProvider clock, CancellationToken cancellationToken) =>
        SendForHeldAsync(id, user, http, db, pending, sender, sendSlots, options, cancellationToken,
            booking => new ConfirmBooking(booking.Id, booking.ShowtimeId, booking.CustomerId, clock.GetUtcNow()));

    private static Task<Results<Accepted<BookingView>, ProblemHttpResult>> CancelAsync(
        Guid id, ClaimsPrincipal user, HttpContext http, BookingDbContext db, PendingBookings pending, ISendEndpointProvider sender,
        SendSlots sendSlots, IOptions<BookingOptions> options, TimeProvider clock, CancellationToken cancellationToken) =>
        SendForHeldAsync(id, user, http, db, pending, sender, sendSlots, options, cancellationToken,
            booking => new CancelBooking(booking.Id, booking.ShowtimeId, booking.CustomerId, clock.GetUtcNow()));

    /// <summary>
    /// Sends a confirm or cancel for the caller's own held booking. A booking not yet applied, or already final,
    /// gets 409 with its status: only a held booking can be confirmed or cancelled.
    /// </summary>
    private static async Task<Results<Accepted<BookingView>, ProblemHttpResult>> SendForHeldAsync(
        Guid id, ClaimsPrincipal user, HttpContext http, BookingDbContext db, PendingBookings pending, ISendEndpointProvider sender,
        SendSlots sendSlots, IOptions<BookingOptions> options, CancellationToken cancellationToken, Func<BookingRecord, object> command)
    {
        var (booking, view) = await FindAsync(id, db, pending, cancellationToken);
        if (view is null || view.CustomerId != user.CustomerId())
        {
            return BookingNotFound(id);
        }

        if (booking is not { Status: BookingStatus.Held })
        {
            return NotHeld(view.Status);
        }

        using var slot = sendSlots.TryTake();
        if (slot is null)
        {
            return HoldsApi.ServiceUnavailable(http, HoldsApi.BusyBroker, retryAfterSeconds: 1);
        }

        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(HoldSender.SendLimit);
            await sender.SendToPartitionAsync(
                ShowtimePartitions.PartitionOf(booking.ShowtimeId, options.Value.Partitions), command(booking), timeout.Token);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HoldsApi.ServiceUnavailable(http);
        }

        var statusUrl = $"/api/bookings/{id}";
        return TypedResults.Accepted(statusUrl, view);
    }

    /// <summary>
    /// A booking as stored, or, while no worker has applied it yet, as the ingress remembers the accepted request
    /// (<c>pending</c>, with no stored row); null for neither.
    /// </summary>
    private static async Task<(BookingRecord? Stored, BookingView? View)> FindAsync(
        Guid id, BookingDbContext db, PendingBookings pending, CancellationToken cancellationToken)
    {
        var stored = await db.Bookings.AsNoTracking().FirstOrDefaultAsync(b => b.Id == id, cancellationToken);
        if (stored is not null)
        {
            return (stored, BookingView.From(stored));
        }

        return (null, await pending.FindAsync(id, cancellationToken) is { } command ? BookingView.Pending(command) : null);
    }

    private static ProblemHttpResult NotHeld(string status) =>
        TypedResults.Problem(
            $"The booking is {status}; only a held booking can be confirmed or cancelled.",
            statusCode: StatusCodes.Status409Conflict,
            title: "Booking not held",
            extensions: new Dictionary<string, object?> { ["bookingStatus"] = status });

    private static ProblemHttpResult BookingNotFound(Guid id) =>
        TypedResults.Problem($"Booking {id} does not exist.", statusCode: StatusCodes.Status404NotFound, title: "Booking not found");
}

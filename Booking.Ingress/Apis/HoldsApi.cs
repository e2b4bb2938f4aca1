using System.Security.Claims;
using Booking.Contracts;
using Booking.Core;
using Booking.Core.Callbacks;
using Booking.Core.Data;
using Booking.Core.Gate;
using Booking.Core.Partitioning;
using Booking.Core.Telemetry;
using Booking.Ingress.Holds;
using Booking.Ingress.Shedding;
using Booking.Ingress.Showtimes;
using Booking.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Booking.Ingress.Apis;

/// <summary>
/// <c>POST /api/showtimes/{id}/holds</c>: the herd's door. Validates against the cached layout, asks the gate in one
/// round trip (taken seats end here with 409), sends the command to the showtime's partition queue and answers 202.
/// </summary>
public static class HoldsApi
{
    /// <summary>
    /// The answer when a hold's send was not confirmed in time. Under a broker stall about half of such holds were
    /// applied later, so the answer names the booking to read.
    /// </summary>
    private const string HoldSendTimedOut =
        "The booking queue did not confirm the request in time. It may still be applied: read the booking at statusUrl " +
        "before asking for other seats; a hold retried with the same Idempotency-Key lands on the same booking.";

    /// <summary>The answer when every send slot is taken.</summary>
    internal const string BusyBroker = "The booking queue is taking requests slower than they arrive; nothing was accepted. Try again shortly.";

    public static IEndpointRouteBuilder MapHoldsApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/showtimes/{id:guid}/holds", HoldAsync)
            .WithTags("Bookings")
            .WithSummary("Ask to hold seats; the outcome arrives on the booking")
            .WithDescription(
                "Answers 202 once the request is queued; the outcome arrives on the booking. A 409 names the " +
                "conflictingSeats the gate found taken, or, without them, says the showtime has started and its sale is closed.")
            .RequireAuthorization()
            .WithMetadata(new SheddingExtensions.LimitPerCustomer())
            .WithMetadata(new SheddingExtensions.ShedHoldsEarly())
            .ProducesProblemExample(ShowtimesApi.ShowtimeNotFound(ApiExamples.ExampleShowtimeId))
            .ProducesProblemExample(SeatsTaken(["A2"]))
            .ProducesProblemExample(KeyReused())
            .ProducesProblemExample(SheddingExtensions.CustomerRateExceeded())
            .ProducesProblemExample(ServiceUnavailableProblem(BusyBroker, retryAfterSeconds: 1));
        return app;
    }

    private static async Task<Results<Accepted<HoldAcceptedResponse>, ValidationProblem, ProblemHttpResult>> HoldAsync(
        Guid id,
        HoldRequest request,
        HttpContext http,
        [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey,
        ClaimsPrincipal user,
        ShowtimeLayouts layouts,
        ISeatGate gate,
        HoldSender holdSender,
        PendingBookings pending,
        IdempotencyClaims claims,
        IOptions<BookingOptions> options,
        TimeProvider clock,
        BookingMetrics metrics,
        CallbackAddressPolicy callbacks,
        HoldShedding shedding,
        HoldAdmission admission,
        SendSlots sendSlots,
        ILogger<HoldRequest> logger,
        CancellationToken cancellationToken)
    {
        var errors = request.Validate(options.Value);
        if (!errors.ContainsKey("callbackUrl") && request.CallbackUrl is not null && callbacks.Check(request.CallbackUrl) is { IsAllowed: false } refused)
        {
            errors["callbackUrl"] = [refused.Reason!];
        }
        if (idempotencyKey is { Length: 0 or > IdempotentBookingIds.MaxKeyLength })
        {
            errors["Idempotency-Key"] = [$"Idempotency-Key must be 1 to {IdempotentBookingIds.MaxKeyLength} characters."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        // Load is shed before any I/O (and most of it before authentication, by UseEarlyHoldShedding).
        if (shedding.Admit(http, id) is { } refusal)
        {
            return refusal;
        }

        var layout = await layouts.FindAsync(id, cancellationToken);
        if (layout is null)
        {
            return ShowtimesApi.ShowtimeNotFound(id);
        }

        var seats = request.NormalizedSeats;
        if (seats.Where(s => !layout.SeatIds.Contains(s)).ToList() is { Count: > 0 } unknown)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["seats"] = [$"These seats do not exist in this showtime: {string.Join(", ", unknown)}."],
            });
        }

        var customerId = user.CustomerId();
        var command = new RequestSeatHold(
            idempotencyKey is null ? Guid.CreateVersion7() : IdempotentBookingIds.For(customerId, idempotencyKey),
            id, customerId, seats, request.CallbackUrl, clock.GetUtcNow(), idempotencyKey);
        var claim = IdempotencyClaim.First;
        if (idempotencyKey is not null)
        {
            // The key's binding in Redis and its stored booking are asked at once: a new key, the usual case, needs
            // both answers. The stored booking decides when there is one, since it keeps its key for as long as it
            // exists, longer than the binding's day; a binding a lapsed key wrote meanwhile is never read while it does.
            var claiming = ClaimQuietlyAsync(claims, command, logger, cancellationToken);
            var stored = await FindStoredRequestAsync(command, http.RequestServices, cancellationToken);
            claim = await claiming;
            if (stored is not null)
            {
                return IdempotencyClaims.IsSameBody(stored, command) ? Accepted(command.BookingId) : KeyReused();
            }

            switch (claim)
            {
                case IdempotencyClaim.OtherBody:
                    return KeyReused();
                case IdempotencyClaim.CopyOfSent:
                    return Accepted(command.BookingId);
            }
        }

        // After the key's check: a keyed retry of a hold accepted before the start still names its booking.
        if (clock.GetUtcNow() >= layout.StartsAt)
        {
            admission.GiveBack();
            return SaleClosed(layout.StartsAt);
        }

        var gateTtl = TimeSpan.FromSeconds(layout.HoldSeconds + options.Value.GateSlackSeconds);
        var conflicts = await TryGateAsync(gate, command, gateTtl, logger);
        if (conflicts.Count > 0)
        {
            admission.GiveBack();
            metrics.HoldRejectedAtGate();
            return SeatsTaken(conflicts);
        }

        // Taken after the gate, so a herd's 409s never wait for or count against a slot. A refused request frees its
        // gate keys, as after a send time-out.
        using var slot = sendSlots.TryTake();
        if (slot is null)
        {
            await ReleaseQuietlyAsync(gate, command, claim, logger);
            return ServiceUnavailable(http, BusyBroker, retryAfterSeconds: 1);
        }

        var remembered = Task.CompletedTask;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(HoldSender.SendLimit);
            remembered = RememberQuietlyAsync(pending, command, logger, timeout.Token);
            await holdSender.SendAsync(ShowtimePartitions.PartitionOf(id, options.Value.Partitions), command, timeout.Token);
            await remembered;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Not accepted, so nothing may stay half-done: the gate keys and the pending record of this request go.
            logger.LogWarning(ex, "Could not enqueue hold {BookingId}; refusing with 503", command.BookingId);
            await remembered;
            await ReleaseQuietlyAsync(gate, command, claim, logger, rememberedIn: pending);
            metrics.RequestShed("broker_unavailable");
            return ServiceUnavailable(http, HoldSendTimedOut, bookingId: command.BookingId);
        }

        if (idempotencyKey is not null)
        {
            MarkSentQuietly(claims, command, logger);
        }

        metrics.HoldAccepted();
        return Accepted(command.BookingId);
    }

    private static Accepted<HoldAcceptedResponse> Accepted(Guid bookingId)
    {
        var statusUrl = StatusUrl(bookingId);
        return TypedResults.Accepted(statusUrl, new HoldAcceptedResponse(bookingId, "pending", statusUrl));
    }

    /// <summary>
    /// The request an idempotency key was first used for, as the worker stored it. The database context is taken here,
    /// not as a parameter of the endpoint, so that a hold without the header takes none: at a sale's opening every hold
    /// in flight otherwise held a pooled context, and the pool built a new one for each.
    /// </summary>
    private static async Task<RequestSeatHold?> FindStoredRequestAsync(
        RequestSeatHold command, IServiceProvider services, CancellationToken cancellationToken)
    {
        var db = services.GetRequiredService<BookingDbContext>();
        var stored = await db.Bookings.AsNoTracking()
            .Where(b => b.Id == command.BookingId)
            .Select(b => new { b.ShowtimeId, b.SeatIds, b.CallbackUrl })
            .FirstOrDefaultAsync(cancellationToken);
        return stored is null
            ? null
            : command with { ShowtimeId = stored.ShowtimeId, SeatIds = stored.SeatIds, CallbackUrl = stored.CallbackUrl };
    }

    /// <summary>
    /// Binds the key to this body (<see cref="IdempotencyClaims"/>). When Redis cannot be reached the request goes on
    /// as the first, checked against stored bookings only, as the gate lets requests through then too.
    /// </summary>
    private static async Task<IdempotencyClaim> ClaimQuietlyAsync(
        IdempotencyClaims claims, RequestSeatHold command, ILogger logger, CancellationToken cancellationToken)
    {
        try
        {
            return await claims.ClaimAsync(command, cancellationToken);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            logger.LogWarning(ex, "Could not claim the Idempotency-Key of hold {BookingId}; checked against stored bookings only", command.BookingId);
            return IdempotencyClaim.First;
        }
    }

    /// <summary>Unmarked, later copies of the request send again and are still applied once.</summary>
    private static void MarkSentQuietly(IdempotencyClaims claims, RequestSeatHold command, ILogger logger)
    {
        try
        {
            claims.MarkSent(command);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            logger.LogWarning(ex, "Could not mark the Idempotency-Key of hold {BookingId} as sent", command.BookingId);
        }
    }

    private static ProblemHttpResult SeatsTaken(IReadOnlyList<string> conflicts) =>
        TypedResults.Problem(
            "Some of the seats are already held or sold.",
            statusCode: StatusCodes.Status409Conflict,
            title: "Seats taken",
            extensions: new Dictionary<string, object?> { ["conflictingSeats"] = conflicts });

    /// <summary>
    /// A showtime's sale closes when it starts. Checked here only: a hold accepted a moment before the start is still
    /// applied, and bookings held before it may still be confirmed until their hold lapses.
    /// </summary>
    private static ProblemHttpResult SaleClosed(DateTimeOffset startsAt) =>
        TypedResults.Problem(
            $"The showtime started at {startsAt:O}; its seats are no longer sold.",
            statusCode: StatusCodes.Status409Conflict,
            title: "Sale closed",
            extensions: new Dictionary<string, object?> { ["startsAt"] = startsAt });

    private static ProblemHttpResult KeyReused() =>
        TypedResults.Problem(
            "This Idempotency-Key was already used for a different request.",
            statusCode: StatusCodes.Status422UnprocessableEntity,
            title: "Idempotency-Key reused");

    /// <summary>Asks the gate; when Redis is down the request goes on to the worker, which has the truth.</summary>
    private static async Task<IReadOnlyList<string>> TryGateAsync(ISeatGate gate, RequestSeatHold command, TimeSpan ttl, ILogger logger)
    {
        try
        {
            return await gate.TryHoldAsync(command.ShowtimeId, command.SeatIds, command.BookingId, ttl);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            logger.LogWarning(ex, "Seat gate unavailable; passing hold {BookingId} to the worker unchecked", command.BookingId);
            return [];
        }
    }

    /// <summary>Frees a refused request's gate keys, and its pending record when one was written.</summary>
    /// <remarks>
    /// A copy of a keyed request still on its way keeps the gate keys: they are also the first request's, which may yet
    /// be accepted, and they lapse with their TTL if it is not.
    /// </remarks>
    private static async Task ReleaseQuietlyAsync(
        ISeatGate gate, RequestSeatHold command, IdempotencyClaim claim, ILogger logger, PendingBookings? rememberedIn = null)
    {
        try
        {
            if (claim != IdempotencyClaim.CopyOfOpen)
            {
                await gate.ReleaseAsync(command.ShowtimeId, command.SeatIds, command.BookingId);
            }

            if (rememberedIn is not null)
            {
                await rememberedIn.ForgetAsync(command, CancellationToken.None);
            }
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            logger.LogWarning(ex, "Could not free the gate keys or the pending record of refused hold {BookingId}; they lapse with their TTL", command.BookingId);
        }
    }

    /// <summary>The pending record only serves status reads; failing to write it must not refuse the request.</summary>
    private static async Task RememberQuietlyAsync(PendingBookings pending, RequestSeatHold command, ILogger logger, CancellationToken cancellationToken)
    {
        try
        {
            await pending.RememberAsync(command, cancellationToken);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or OperationCanceledException)
        {
            logger.LogWarning(ex, "Could not record pending hold {BookingId}", command.BookingId);
        }
    }

    private static string StatusUrl(Guid bookingId) => $"/api/bookings/{bookingId}";

    /// <summary>
    /// A 503 with <c>Retry-After</c>. With <paramref name="bookingId"/>, it also names the booking the request was
    /// for (<c>bookingId</c>, <c>statusUrl</c>): after a send time-out the command may still reach the queue.
    /// </summary>
    internal static ProblemHttpResult ServiceUnavailable(
        HttpContext http,
        string detail = "The booking queue did not confirm the request in time. It may still be applied: read the booking before sending it again.",
        int retryAfterSeconds = 5,
        Guid? bookingId = null)
    {
        http.Response.Headers.RetryAfter = retryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return ServiceUnavailableProblem(detail, retryAfterSeconds, bookingId);
    }

    /// <summary>The body of <see cref="ServiceUnavailable"/>, without its header.</summary>
    internal static ProblemHttpResult ServiceUnavailableProblem(string detail, int retryAfterSeconds, Guid? bookingId = null)
    {
        var extensions = new Dictionary<string, object?> { ["retryAfterSeconds"] = retryAfterSeconds };
        if (bookingId is { } id)
        {
            extensions["bookingId"] = id;
            extensions["statusUrl"] = StatusUrl(id);
        }

        return TypedResults.Problem(detail, statusCode: StatusCodes.Status503ServiceUnavailable, title: "Try again later", extensions: extensions);
    }
}

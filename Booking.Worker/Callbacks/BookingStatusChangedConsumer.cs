using System.Text.Json;
using Booking.Contracts;
using Booking.Core.Bookings;
using Booking.Core.Callbacks;
using Booking.Core.Data;
using Booking.ServiceDefaults;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Booking.Worker.Callbacks;

/// <summary>
/// Delivers a booking change to the booking's callbackUrl: the <c>GET /api/bookings/{id}</c> body, signed, retried
/// with exponential back-off until it is answered with 2xx or <see cref="CallbackOptions.MaxTotalSeconds"/> after the
/// first attempt have passed. Every attempt is a <see cref="CallbackDelivery"/> row; attempt numbers and the time
/// limit continue from those rows, so a redelivered or handed-over message resumes where the last one stopped, and a
/// change already delivered or refused is not sent again. Runs on its own queue, so a slow receiver never delays
/// booking processing.
/// </summary>
public sealed class BookingStatusChangedConsumer(
    BookingDbContext db,
    CallbackClient client,
    CallbackAddressPolicy policy,
    CallbackMetrics metrics,
    CallbacksInProgress inProgress,
    IBus bus,
    IOptions<CallbackOptions> options,
    IHostApplicationLifetime lifetime,
    TimeProvider clock,
    ILogger<BookingStatusChangedConsumer> logger) : IConsumer<BookingStatusChanged>
{
    /// <summary>How long a stopping worker tries to hand a waiting change back to the queue.</summary>
    private static readonly TimeSpan HandBackLimit = TimeSpan.FromSeconds(10);

    private static readonly JsonSerializerOptions Json = CreateJson();

    public async Task Consume(ConsumeContext<BookingStatusChanged> context)
    {
        using var counted = inProgress.Start();
        var change = context.Message;
        if (change.CallbackUrl is not { } callbackUrl)
        {
            return;
        }

        var cancellationToken = context.CancellationToken;
        var earlier = await db.CallbackDeliveries.AsNoTracking()
            .Where(d => d.BookingId == change.BookingId && d.BookingVersion == change.Version)
            .Select(d => new { d.Attempt, d.AttemptedAt, d.Succeeded, d.Error })
            .ToListAsync(cancellationToken);
        if (earlier.Any(d => d.Succeeded || (d.Error?.StartsWith(CallbackAttempt.RefusedPrefix, StringComparison.Ordinal) ?? false)))
        {
            return;
        }

        var last = earlier.MaxBy(d => d.Attempt);
        var attempt = (last?.Attempt ?? 0) + 1;
        var check = policy.Check(callbackUrl);
        if (!check.IsAllowed)
        {
            await RecordAsync(change, callbackUrl, attempt, clock.GetUtcNow(), CallbackAttempt.Refusal(check.Reason!), cancellationToken);
            return;
        }

        var now = clock.GetUtcNow();
        var deadline = (earlier.Count == 0 ? now : earlier.Min(d => d.AttemptedAt).AsUtc()).AddSeconds(options.Value.MaxTotalSeconds);
        var dueAt = last is null ? now : last.AttemptedAt.AsUtc() + CallbackBackoff.After(last.Attempt, options.Value);
        var url = new Uri(callbackUrl);
        var body = JsonSerializer.SerializeToUtf8Bytes(BookingView.From(change), Json);
        var webhookId = WebhookId(change);
        while (true)
        {
            if (dueAt > deadline)
            {
                metrics.GaveUp();
                logger.LogWarning(
                    "Gave up the callback of booking {BookingId} version {Version} to {Url} after {Attempts} attempts",
                    change.BookingId, change.Version, callbackUrl, attempt - 1);
                return;
            }

            if (!await WaitUntilAsync(dueAt, cancellationToken))
            {
                await HandBackAsync(context);
                return;
            }

            var attemptedAt = clock.GetUtcNow();
            var result = await client.SendAsync(url, webhookId, body, cancellationToken);
            await RecordAsync(change, callbackUrl, attempt, attemptedAt, result, cancellationToken);
            if (result.Succeeded || result.Refused)
            {
                return;
            }

            var wait = CallbackBackoff.After(attempt, options.Value);
            logger.LogInformation(
                "Callback attempt {Attempt} of booking {BookingId} version {Version} failed ({Error}); next in {Delay}",
                attempt, change.BookingId, change.Version, result.Error, wait);
            dueAt = clock.GetUtcNow() + wait;
            attempt++;
        }
    }

    /// <summary>The <c>webhook-id</c> of a change: the same for every attempt, one per (booking, version).</summary>
    public static string WebhookId(BookingStatusChanged change) => $"{change.BookingId}:{change.Version}";

    private async Task RecordAsync(
        BookingStatusChanged change, string url, int attempt, DateTimeOffset attemptedAt, CallbackAttempt result, CancellationToken cancellationToken)
    {
        db.CallbackDeliveries.Add(new CallbackDelivery
        {
            BookingId = change.BookingId,
            BookingVersion = change.Version,
            Attempt = attempt,
            Url = url.Length <= 2048 ? url : url[..2048],
            AttemptedAt = attemptedAt.UtcDateTime,
            StatusCode = result.StatusCode,
            Succeeded = result.Succeeded,
            Error = result.Error is { Length: > 1000 } error ? error[..1000] : result.Error,
        });
        await db.SaveChangesAsync(cancellationToken);
        metrics.Attempted(result);
        if (result.Refused)
        {
            logger.LogWarning(
                "Refused the callback of booking {BookingId} version {Version} to {Url}: {Reason}",
                change.BookingId, change.Version, url, result.Error);
        }
    }

    /// <summary>
    /// The worker is stopping: the change goes back on the queue for another worker, which resumes from the recorded
    /// attempts. Sent through the bus, not the consume context, whose send endpoint for this queue stops with the
    /// receive endpoint; the bus keeps running until <see cref="CallbackEndpoint"/> has seen every delivery end
    /// (<see cref="CallbacksInProgress"/>). Not cut short by the consume's token either: the hand-back must finish,
    /// within <see cref="HandBackLimit"/>. Should it fail, the retries take the change, and it can end in the error
    /// queue.
    /// </summary>
    private async Task HandBackAsync(ConsumeContext<BookingStatusChanged> context)
    {
        using var limit = new CancellationTokenSource(HandBackLimit);
        var queue = await bus.GetSendEndpoint(context.ReceiveContext.InputAddress);
        await queue.Send(context.Message, limit.Token);
        logger.LogInformation(
            "Handed the callback of booking {BookingId} version {Version} back to the queue", context.Message.BookingId, context.Message.Version);
    }

    /// <summary>Waits until <paramref name="dueAt"/>; false when the worker started stopping first.</summary>
    private async Task<bool> WaitUntilAsync(DateTimeOffset dueAt, CancellationToken cancellationToken)
    {
        var stopping = lifetime.ApplicationStopping;
        var delay = dueAt - clock.GetUtcNow();
        if (delay > TimeSpan.Zero)
        {
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, stopping);
            try
            {
                await Task.Delay(delay, clock, wait.Token);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                // Stopping, whichever token ended the wait: the caller hands the change back.
            }
        }

        return !stopping.IsCancellationRequested;
    }


    private static JsonSerializerOptions CreateJson()
    {
        var json = new JsonSerializerOptions();
        ServiceDefaultsExtensions.ConfigureJson(json);
        return json;
    }
}

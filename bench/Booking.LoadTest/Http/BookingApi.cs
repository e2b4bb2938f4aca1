using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Booking.LoadTest;

/// <summary>One HTTP answer as the load generator keeps it: status, the booking id of a 202, or a failure kind.</summary>
/// <param name="Status">The HTTP status, 0 on a transport failure.</param>
/// <param name="BookingId">The id in a 202's <c>Location</c> header.</param>
/// <param name="Error">The failure kind (<c>timeout</c>, <c>deadline</c>, <c>http:ConnectionError</c>, ...), or null.</param>
/// <param name="EndTicks">When the answer's headers (or, for reads, its body) arrived.</param>
public readonly record struct Reply(int Status, Guid BookingId, string? Error, long EndTicks);

/// <summary>
/// The ingress as the load generator uses it: one shared <see cref="HttpClient"/> over a
/// <see cref="SocketsHttpHandler"/> sized for the load, request bodies built before the clock starts, and answers
/// read from their headers (the booking id of a 202 comes from <c>Location</c>, so no body is parsed on the hot path).
/// </summary>
public sealed class BookingApi : IDisposable
{
    private static readonly MediaTypeHeaderValue JsonType = new("application/json");
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly HttpClient _http;

    public BookingApi(Uri ingress, int connections, TimeSpan requestTimeout)
    {
        Base = ingress;
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = connections,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(10),
            ConnectTimeout = TimeSpan.FromSeconds(10),
            UseProxy = false,
            UseCookies = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            // No traceparent header: the client should not make the server start or link traces it would not otherwise.
            ActivityHeadersPropagator = null,
        };
        _http = new HttpClient(handler) { BaseAddress = ingress, Timeout = requestTimeout };
        _http.DefaultRequestVersion = HttpVersion.Version11;
        _http.DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact;
    }

    public Uri Base { get; }

    public static AuthenticationHeaderValue Bearer(string token) => new("Bearer", token);

    /// <summary>The UTF-8 body of a hold request for <paramref name="seats"/>.</summary>
    public static byte[] HoldBody(IEnumerable<string> seats) =>
        Encoding.UTF8.GetBytes("{\"seats\":[\"" + string.Join("\",\"", seats) + "\"]}");

    public Uri HoldsUri(Guid showtimeId) => new(Base, $"/api/showtimes/{showtimeId}/holds");

    /// <summary>How often a buyer whose request was shed tries again, and after how long (the Retry-After the ingress gives sheds).</summary>
    private const int ShedRetries = 120;

    private static readonly TimeSpan ShedRetryAfter = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Sends like <see cref="SendAsync"/>, and after a shed answer (503) waits 1 s and sends again, as a buyer's
    /// client would. Returns the last answer (the shed one when the deadline ends the waiting) and how many answers
    /// were shed before it.
    /// </summary>
    public async Task<(Reply Reply, int Shed)> SendRetryingShedAsync(
        HttpMethod method, Uri uri, AuthenticationHeaderValue? auth, byte[]? body, CancellationToken cancellationToken)
    {
        var reply = await SendAsync(method, uri, auth, body, false, cancellationToken).ConfigureAwait(false);
        var shed = 0;
        while (reply.Status == 503 && shed < ShedRetries)
        {
            shed++;
            try
            {
                await Task.Delay(ShedRetryAfter, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return (reply, shed - 1);
            }

            reply = await SendAsync(method, uri, auth, body, false, cancellationToken).ConfigureAwait(false);
        }

        return (reply, shed);
    }

    /// <summary>
    /// Sends one request and returns as soon as the answer's headers are in (or, with <paramref name="readBody"/>, its
    /// whole body). Never throws for HTTP or transport failures: they come back as <see cref="Reply.Error"/>.
    /// </summary>
    /// <remarks>
    /// With <paramref name="entityTags"/>, the request revalidates: it sends the <c>ETag</c> last answered for this
    /// address in <c>If-None-Match</c>, and the answer's tag is kept for the next request.
    /// </remarks>
    public async Task<Reply> SendAsync(
        HttpMethod method, Uri uri, AuthenticationHeaderValue? auth, byte[]? body, bool readBody, CancellationToken cancellationToken,
        ConcurrentDictionary<Uri, EntityTagHeaderValue>? entityTags = null)
    {
        using var request = new HttpRequestMessage(method, uri);
        if (auth is not null)
        {
            request.Headers.Authorization = auth;
        }

        if (entityTags?.GetValueOrDefault(uri) is { } known)
        {
            request.Headers.IfNoneMatch.Add(known);
        }

        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = JsonType;
        }

        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken)
                .ConfigureAwait(false);
            if (readBody)
            {
                await response.Content.CopyToAsync(Stream.Null, cancellationToken).ConfigureAwait(false);
            }

            var end = Stopwatch.GetTimestamp();
            if (entityTags is not null && response.Headers.ETag is { } tag)
            {
                entityTags[uri] = tag;
            }

            var bookingId = Guid.Empty;
            if (response.StatusCode == HttpStatusCode.Accepted && response.Headers.Location?.OriginalString is { Length: >= 36 } location)
            {
                _ = Guid.TryParse(location.AsSpan(location.Length - 36), out bookingId);
            }

            return new Reply((int)response.StatusCode, bookingId, null, end);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return new Reply(0, Guid.Empty, "deadline", Stopwatch.GetTimestamp());
        }
        catch (OperationCanceledException)
        {
            return new Reply(0, Guid.Empty, "timeout", Stopwatch.GetTimestamp());
        }
        catch (HttpRequestException ex)
        {
            return new Reply(0, Guid.Empty, "http:" + ex.HttpRequestError, Stopwatch.GetTimestamp());
        }
    }

    /// <summary>Mints development tokens (<c>POST /dev/tokens</c>) for <paramref name="subjects"/>, several at a time.</summary>
    public async Task<string[]> MintTokensAsync(IReadOnlyList<string> subjects, string[]? roles, CancellationToken cancellationToken)
    {
        var tokens = new string[subjects.Count];
        await Parallel.ForAsync(0, subjects.Count, new ParallelOptions { MaxDegreeOfParallelism = 32, CancellationToken = cancellationToken },
            async (i, ct) =>
            {
                using var response = await _http.PostAsJsonAsync("/dev/tokens", new { subject = subjects[i], roles }, Json, ct);
                if (!response.IsSuccessStatusCode)
                {
                    throw new InvalidOperationException(
                        $"POST /dev/tokens answered {(int)response.StatusCode}: is Auth:DevTokens true on the ingress (it is in Development)? " +
                        $"{await response.Content.ReadAsStringAsync(ct)}");
                }

                using var document = JsonDocument.Parse(await response.Content.ReadAsStreamAsync(ct));
                tokens[i] = document.RootElement.GetProperty("accessToken").GetString()!;
            });
        return tokens;
    }

    /// <summary>Creates <paramref name="count"/> showtimes of the given layout as admin; returns their ids in order.</summary>
    public async Task<Guid[]> CreateShowtimesAsync(
        int count, SeatLayout layout, int holdSeconds, AuthenticationHeaderValue admin, string label, CancellationToken cancellationToken)
    {
        var ids = new Guid[count];
        var rows = layout.Rows.Select(r => new { row = r.Label, seats = r.Seats }).ToArray();
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken },
            async (i, ct) =>
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, "/api/showtimes")
                {
                    Content = JsonContent.Create(new
                    {
                        movie = $"Load test {label}",
                        auditorium = $"Hall {i + 1}",
                        startsAt = DateTimeOffset.UtcNow.AddDays(7),
                        holdSeconds,
                        rows,
                    }, options: Json),
                };
                request.Headers.Authorization = admin;
                using var response = await _http.SendAsync(request, ct);
                if (response.StatusCode != HttpStatusCode.Created)
                {
                    throw new InvalidOperationException(
                        $"POST /api/showtimes answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(ct)}");
                }

                using var document = JsonDocument.Parse(await response.Content.ReadAsStreamAsync(ct));
                ids[i] = document.RootElement.GetProperty("id").GetGuid();
            });
        return ids;
    }

    public void Dispose() => _http.Dispose();
}

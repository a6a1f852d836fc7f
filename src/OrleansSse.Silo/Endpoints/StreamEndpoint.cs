using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using OrleansSse.Connections;
using OrleansSse.Silo.Detach;
using OrleansSse.Silo.Http;
using OrleansSse.Silo.Options;
using OrleansSse.Silo.Security;

namespace OrleansSse.Silo.Endpoints;

/// <summary><c>GET /api/sse</c>: the event stream.</summary>
internal static class StreamEndpoint
{
    public static void MapStreamEndpoint(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/sse", StreamAsync);

    // client_id, last_event_id and Last-Event-ID take one value each: two would be read as one
    // (joined with a comma), and a proxy reading the first would disagree with the silo.
    private static string? Repeated(HttpRequest request) =>
        request.Query["client_id"].Count > 1 ? "'client_id'"
        : request.Query["last_event_id"].Count > 1 ? "'last_event_id'"
        : request.Headers["Last-Event-ID"].Count > 1 ? "The Last-Event-ID header"
        : null;

    private static async Task<IResult> StreamAsync(
        HttpContext context,
        ConnectionRegistry registry,
        ConnectionLimiter limiter,
        OrleansSse.Metrics.SseMetrics metrics,
        IOptions<LimitOptions> limits,
        IOptions<StreamOptions> stream,
        SubscriberGate gate,
        GroupQuota quota,
        ILogger<ConnectionRegistry> logger)
    {
        var query = context.Request.Query;

        if (Repeated(context.Request) is { } repeated)
        {
            return Problems.BadRequest($"{repeated} was given more than once; give it once.");
        }

        var clientId = query["client_id"].ToString();
        if (clientId.Length > 0 && !SseNames.IsValidKey(clientId))
        {
            return Problems.BadRequest(JsonBody.InvalidKey("client_id"));
        }

        // groups= may be repeated (values are merged); empty items and duplicates are dropped before counting.
        string[] groups = [.. query["groups"].ToString()
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Distinct(StringComparer.Ordinal)];
        if (groups.Length > limits.Value.MaxGroupsPerConnect)
        {
            return Problems.BadRequest($"At most {limits.Value.MaxGroupsPerConnect} distinct groups may be joined on connect.");
        }

        if (groups.FirstOrDefault(g => !SseNames.IsValidKey(g)) is not null)
        {
            return Problems.BadRequest(JsonBody.InvalidKey("groups"));
        }

        // Subscriber token (when a signing key is configured), group quota, deadline.
        var admission = await gate.AdmitAsync(context, clientId, groups);
        if (admission.Problem is { } refused)
        {
            return refused;
        }

        clientId = admission.ClientId;

        // The header (sent by browsers on reconnect) wins over the query parameter.
        var lastEventId = context.Request.Headers["Last-Event-ID"].ToString();
        if (lastEventId.Length == 0)
        {
            lastEventId = query["last_event_id"].ToString();
        }

        EventCursor? cursor = null;
        var resuming = lastEventId.Length > 0;
        if (resuming && EventCursor.TryParse(lastEventId, out var parsed))
        {
            cursor = parsed;
        }

        var retryAfter = limits.Value.RetryAfterSeconds;
        if (registry.IsDraining)
        {
            return Problems.Unavailable(context, "This silo is shutting down; connect to another.", 1);
        }

        var ip = RemoteAddress.Key(context.Connection.RemoteIpAddress);
        var verdict = limiter.TryAcquire(ip, clientId);
        if (verdict != LimitVerdict.Allowed)
        {
            metrics.ConnectionRejected();
            return verdict switch
            {
                LimitVerdict.TooManyTotal => Problems.Unavailable(context, "This silo holds its maximum number of streams.", retryAfter),
                LimitVerdict.TooManyForIp => Problems.TooMany(context, "Too many streams from this address.", retryAfter),
                _ => Problems.TooMany(context, "Too many streams for this client id.", retryAfter),
            };
        }

        // Once the session exists, it releases the registry entry and the limit slot (here, or
        // after the stream ran detached from Kestrel).
        var sessionOwns = false;
        try
        {
            // The gate answered early; this enforces the limit atomically (concurrent joins).
            if (await quota.JoinAsync(clientId, groups, context.RequestAborted) is { } overQuota)
            {
                return overQuota;
            }

            OpenedStream opened;
            try
            {
                opened = await registry.OpenAsync(clientId, cursor, context.RequestAborted);
            }
            catch (SiloDrainingException ex)
            {
                return Problems.Unavailable(context, ex.Message, 1);
            }

            try
            {
                var recovered = opened.Recovered && (cursor is not null || !resuming);
                if (resuming && cursor is null)
                {
                    metrics.Resumed(recovered: false);
                }

                // Plaintext HTTP/1.1 (OrleansSse:Stream:DetachFromKestrel): the stream leaves Kestrel's
                // request processing, so an open stream does not hold Kestrel's per-request state;
                // with DirectSocketWrites it writes its head and body straight to the socket.
                var capturing = stream.Value.DirectSocketWrites && StreamDetach.TryCaptureResponseHead(context);
                StreamSession session;
                try
                {
                    await StartResponseAsync(context);
                    // Ended at its deadline by the silo's expiry sweep (ExpiryService), not a timer per stream.
                    opened.Connection.SetDeadline(admission.Deadline);
                    ConnectionRegistry.Start(opened, FirstBytes(clientId, recovered, stream.Value.RetryMilliseconds));
                    session = new StreamSession(opened.Connection, ip, registry, limiter, logger);
                    sessionOwns = true;
                }
                catch when (capturing)
                {
                    StreamDetach.ReleaseResponseHead(context);
                    throw;
                }

                if (StreamDetach.TryDetach(context, session))
                {
                    return Results.Empty;
                }

                try
                {
                    if (!await session.WriteAsync(context.Response.BodyWriter, context.Abort, context.RequestAborted))
                    {
                        context.Abort();
                    }
                }
                finally
                {
                    await session.EndAsync();
                }
            }
            finally
            {
                if (!sessionOwns)
                {
                    await registry.CloseAsync(opened.Connection);
                }
            }
        }
        finally
        {
            if (!sessionOwns)
            {
                limiter.Release(ip, clientId);
            }
        }

        return Results.Empty;
    }

    private static async Task StartResponseAsync(HttpContext context)
    {
        var response = context.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        if (StreamDetach.WouldDetach(context))
        {
            // A detached stream's connection is closed after it: say so, or a client's pool may
            // send its next request on a connection that is closing.
            response.Headers.Connection = "close";
        }

        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        await response.StartAsync(context.RequestAborted);
    }

    private static byte[] FirstBytes(string clientId, bool recovered, int retryMilliseconds)
    {
        var data = JsonSerializer.Serialize(new ConnectedData("connected", clientId, recovered), SiloJsonContext.Default.ConnectedData);
        return [.. SseEncoder.Encode(null, "connected", data), .. SseEncoder.Retry(retryMilliseconds)];
    }
}

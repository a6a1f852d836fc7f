using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections;

namespace OrleansSse.Silo.Detach;

/// <summary>
/// Kestrel connection middleware (installed by <see cref="StreamDetach.UseStreamDetach"/>) that
/// lets a started SSE response leave Kestrel's HTTP/1.1 request processing: Kestrel sees a
/// <see cref="DetachableConnection"/>; when a stream detaches, Kestrel finishes the request as if
/// the client had closed its side and drops its per-request state (request, response, headers,
/// HttpContext, the request's async chain), and this middleware then owns the raw transport: it
/// runs the stream with its own chunked framing (<see cref="DetachedBody"/>: straight to the socket,
/// <see cref="SocketBodyWriter"/>, when the stream captured its response head, else through the
/// transport output, <see cref="ChunkedBodyWriter"/>), watches the input for the client going
/// away, and ends the body with the terminating chunk on a graceful end (or aborts the connection).
/// Limits: a detached stream is outside Kestrel's per-request timeouts and its minimum response
/// data rate (a client that stops reading is cut by <c>Stream:WriteStallTimeout</c>, or by the
/// stream's queue bound once events arrive);
/// Kestrel still counts the connection (MaxConcurrentConnections) and aborts it when the server's
/// shutdown timeout ends. The connection is closed after the stream, never reused for another request.
/// </summary>
internal sealed class StreamDetachMiddleware(ConnectionDelegate next, ILogger logger)
{
    /// <summary>How long the terminating chunk may take to flush before the connection is aborted.</summary>
    private static readonly TimeSpan EndTimeout = TimeSpan.FromSeconds(5);

    public async Task OnConnectionAsync(ConnectionContext context)
    {
        if (await RunKestrelAsync(context).ConfigureAwait(false) is not { } detached)
        {
            return;
        }

        var (stream, body) = detached;
        DetachLog.Detached(logger, context.ConnectionId, body is SocketBodyWriter ? "to its socket" : "through the transport output");
        // Kestrel is done with the connection: the stream owns the raw transport. One frame (no
        // nested async calls) keeps what a detached stream holds while it idles small.
        var transport = context.Transport;
        var watching = WatchInputAsync(transport.Input, stream, logger, context.ConnectionId);
        var graceful = false;
        try
        {
            try
            {
                await stream.RunAsync(body).ConfigureAwait(false);
            }
            finally
            {
                graceful = await stream.EndAsync().ConfigureAwait(false);
            }

            graceful = graceful && !watching.IsCompleted && await body.EndAsync(EndTimeout).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            graceful = false;
            DetachLog.DetachedStreamFailed(logger, context.ConnectionId, ex);
        }
        finally
        {
            if (!graceful)
            {
                context.Abort();
            }

            body.Complete();
            transport.Input.CancelPendingRead();
            await watching.ConfigureAwait(false);
        }
    }

    // Kestrel's part, in its own frame so that nothing of it (the detachable connection, its
    // features and pipe views) stays referenced while a detached stream idles.
    private async Task<(IDetachedStream Stream, DetachedBody Body)?> RunKestrelAsync(ConnectionContext context)
    {
        var connection = new DetachableConnection(context);
        try
        {
            await next(connection).ConfigureAwait(false);
        }
        catch (Exception ex) when (connection.IsDetached)
        {
            // The stream still runs, and releases what it holds.
            DetachLog.KestrelFailedAfterDetach(logger, context.ConnectionId, ex);
        }

        return connection.Release();
    }

    // Reads (and discards) until the client closes its side or the connection fails, then tells the
    // stream. A cancelled read means the stream ended first.
    private static async Task WatchInputAsync(PipeReader input, IDetachedStream stream, ILogger logger, string connectionId)
    {
        try
        {
            while (true)
            {
                var result = await input.ReadAsync().ConfigureAwait(false);
                input.AdvanceTo(result.Buffer.End);
                if (result.IsCanceled)
                {
                    return;
                }

                if (result.IsCompleted)
                {
                    break;
                }
            }
        }
        catch (Exception ex)
        {
            DetachLog.InputFailed(logger, connectionId, ex);
        }

        stream.ClientGone();
    }
}

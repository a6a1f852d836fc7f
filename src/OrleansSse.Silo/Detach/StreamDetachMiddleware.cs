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
/// runs the stream's writer with its own chunked framing, watches the input for the client going
/// away, and ends the body with the terminating chunk on a graceful end (or aborts the connection).
/// Limits: a detached stream is outside Kestrel's per-request timeouts and its minimum response
/// data rate (a client that stops reading is cut by the stream's queue bound); Kestrel still counts
/// the connection (MaxConcurrentConnections) and aborts it when the server's shutdown timeout ends.
/// </summary>
internal sealed class StreamDetachMiddleware(ConnectionDelegate next, ILogger logger)
{
    /// <summary>How long the terminating chunk may take to flush before the connection is aborted.</summary>
    private static readonly TimeSpan EndTimeout = TimeSpan.FromSeconds(5);

    public async Task OnConnectionAsync(ConnectionContext context)
    {
        var connection = new DetachableConnection(context);
        try
        {
            await next(connection).ConfigureAwait(false);
        }
        finally
        {
            if (connection.Release() is { } run)
            {
                await RunDetachedAsync(context, run).ConfigureAwait(false);
            }
        }
    }

    private async Task RunDetachedAsync(ConnectionContext context, DetachedRun run)
    {
        var transport = context.Transport;
        using var gone = new CancellationTokenSource();
        var watching = WatchInputAsync(transport.Input, gone, logger, context.ConnectionId);
        var graceful = false;
        try
        {
            graceful = await run(new DetachedStream(new ChunkedBodyWriter(transport.Output), gone.Token)).ConfigureAwait(false)
                && !gone.IsCancellationRequested
                && await EndBodyAsync(transport.Output).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            DetachLog.DetachedStreamFailed(logger, context.ConnectionId, ex);
        }
        finally
        {
            if (!graceful)
            {
                context.Abort();
            }

            transport.Input.CancelPendingRead();
            await watching.ConfigureAwait(false);
        }
    }

    private static async Task<bool> EndBodyAsync(PipeWriter output)
    {
        output.Write(ChunkedBodyWriter.LastChunk);
        using var timeout = new CancellationTokenSource(EndTimeout);
        try
        {
            var result = await output.FlushAsync(timeout.Token).ConfigureAwait(false);
            return !result.IsCompleted && !result.IsCanceled;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    // Reads (and discards) until the client closes its side or the connection fails; the stream's
    // writer is then cancelled. A cancelled read means the stream ended first.
    private static async Task WatchInputAsync(PipeReader input, CancellationTokenSource gone, ILogger logger, string connectionId)
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

        gone.Cancel();
    }
}

using System.IO.Pipelines;
using OrleansSse.Connections;
using OrleansSse.Silo.Detach;
using OrleansSse.Silo.Http;

namespace OrleansSse.Silo.Endpoints;

/// <summary>
/// A started stream from the handshake on: writes it until it ends (through Kestrel with
/// <see cref="WriteAsync"/>, or detached from it as an <see cref="IDetachedStream"/>), then gives
/// back what the handshake took (registry entry, connection-limit slot). Holds only what it needs
/// for that, so a detached stream keeps nothing of its request alive.
/// </summary>
internal sealed class StreamSession(
    SseConnection connection,
    string ip,
    ConnectionRegistry registry,
    ConnectionLimiter limiter,
    ILogger logger) : IDetachedStream
{
    /// <summary>
    /// Writes the stream through Kestrel until it ends. Returns true when it ended gracefully
    /// (drain, expiry, a requested disconnect, or the client went away) and false when the broker
    /// cut it (the connection should then be aborted). <paramref name="abort"/> aborts the connection
    /// as soon as the broker cuts the stream: a flush of Kestrel's response body that waits for a
    /// client that stopped reading does not end when cancelled. <see cref="EndAsync"/> is the caller's.
    /// </summary>
    public async Task<bool> WriteAsync(PipeWriter output, Action abort, CancellationToken requestAborted)
    {
        await connection.RunAsync(output, requestAborted, abort).ConfigureAwait(false);
        return EndedGracefully();
    }

    /// <summary>Forgets the stream (the registry entry and subscriptions) and frees its connection-limit slot.</summary>
    public async Task EndAsync()
    {
        try
        {
            await registry.CloseAsync(connection).ConfigureAwait(false);
        }
        finally
        {
            limiter.Release(ip, connection.ClientId);
        }
    }

    // Detached: no async frame of its own while the stream idles (the middleware awaits the writer directly).
    Task IDetachedStream.RunAsync(PipeWriter body) => connection.RunAsync(body, CancellationToken.None);

    async Task<bool> IDetachedStream.EndAsync()
    {
        try
        {
            return EndedGracefully();
        }
        finally
        {
            await EndAsync().ConfigureAwait(false);
        }
    }

    void IDetachedStream.ClientGone() => connection.ClientGone();

    private bool EndedGracefully()
    {
        if (connection.CloseReason is CloseReason.None or CloseReason.Draining or CloseReason.Expired or CloseReason.Requested)
        {
            return true;
        }

        SiloLog.StreamCut(logger, connection.ClientId, connection.CloseReason);
        return false;
    }
}

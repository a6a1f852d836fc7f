using System.IO.Pipelines;
using OrleansSse.Connections;
using OrleansSse.Silo.Detach;
using OrleansSse.Silo.Http;
using OrleansSse.Silo.Security;

namespace OrleansSse.Silo.Endpoints;

/// <summary>
/// A started stream from the handshake on: writes it until it ends (through Kestrel, or detached
/// from it), then gives back what the handshake took (registry entry, connection-limit slot). Holds
/// only what it needs for that, so a detached stream keeps nothing of its request alive.
/// </summary>
internal sealed class StreamSession(
    SseConnection connection,
    string ip,
    DateTimeOffset? deadline,
    ReadOnlyMemory<byte> expiryRetry,
    ConnectionRegistry registry,
    ConnectionLimiter limiter,
    ILogger logger)
{
    /// <summary>
    /// Writes the stream to <paramref name="output"/> until it ends. Returns true when it ended
    /// gracefully (drain, expiry, a requested disconnect, or the client went away) and false when
    /// the broker cut it (the connection should then be aborted).
    /// </summary>
    public async Task<bool> WriteAsync(PipeWriter output, CancellationToken clientGone)
    {
        // Created here, not in the request: a detached stream's timer must not capture the request's context.
        using var expiry = ConnectionExpiry.Schedule(connection, deadline, expiryRetry, TimeProvider.System);
        await connection.RunAsync(output, clientGone).ConfigureAwait(false);
        if (connection.CloseReason is CloseReason.None or CloseReason.Draining or CloseReason.Expired or CloseReason.Requested)
        {
            return true;
        }

        SiloLog.StreamCut(logger, connection.ClientId, connection.CloseReason);
        return false;
    }

    /// <summary>Forgets the stream (registry, its subscriptions) and frees its connection-limit slot.</summary>
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

    /// <summary>The whole life of a detached stream: write it, then end it.</summary>
    public async Task<bool> RunDetachedAsync(DetachedStream stream)
    {
        try
        {
            return await WriteAsync(stream.Body, stream.ClientGone).ConfigureAwait(false);
        }
        finally
        {
            await EndAsync().ConfigureAwait(false);
        }
    }
}

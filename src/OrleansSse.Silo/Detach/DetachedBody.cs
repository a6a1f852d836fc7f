using System.IO.Pipelines;

namespace OrleansSse.Silo.Detach;

/// <summary>
/// A detached stream's HTTP/1.1 chunked response body: what is written between flushes goes out
/// as one chunk per flush; <see cref="EndAsync"/> writes the terminating chunk.
/// </summary>
internal abstract class DetachedBody : PipeWriter
{
    /// <summary>The chunk that ends a chunked body.</summary>
    public static ReadOnlySpan<byte> LastChunk => "0\r\n\r\n"u8;

    /// <summary>
    /// Ends the body with the terminating chunk. Returns false when that did not reach the
    /// connection within <paramref name="timeout"/> (the caller then aborts the connection).
    /// </summary>
    public abstract ValueTask<bool> EndAsync(TimeSpan timeout);
}

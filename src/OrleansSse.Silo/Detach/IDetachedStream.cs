using System.IO.Pipelines;

namespace OrleansSse.Silo.Detach;

/// <summary>
/// A stream's response after it left Kestrel: what <see cref="StreamDetachMiddleware"/> runs on
/// the raw transport. <see cref="RunAsync"/> then <see cref="EndAsync"/>, always both.
/// </summary>
internal interface IDetachedStream
{
    /// <summary>Writes the body to <paramref name="body"/> (each flush becomes one HTTP/1.1 chunk) until the stream ends.</summary>
    Task RunAsync(PipeWriter body);

    /// <summary>The client closed the connection (or it failed): <see cref="RunAsync"/> should return.</summary>
    void ClientGone();

    /// <summary>
    /// Releases what the stream holds. Returns true when it ended gracefully: the body then gets
    /// its terminating chunk; otherwise the connection is aborted.
    /// </summary>
    Task<bool> EndAsync();
}

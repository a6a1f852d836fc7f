using System.IO.Pipelines;

namespace OrleansSse.Silo.Detach;

/// <summary>A stream's response body after it left Kestrel: what <see cref="DetachedRun"/> writes to.</summary>
/// <param name="Body">The body; every flush becomes one HTTP/1.1 chunk.</param>
/// <param name="ClientGone">Cancelled when the client closes the connection (or it fails).</param>
internal sealed record DetachedStream(PipeWriter Body, CancellationToken ClientGone);

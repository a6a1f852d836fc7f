namespace OrleansSse.Silo.Detach;

/// <summary>
/// Offered on plaintext HTTP/1.1 connections when <c>OrleansSse:Stream:DetachFromKestrel</c> is on:
/// hands a started streaming response over from Kestrel's request processing to the connection
/// middleware (<see cref="StreamDetachMiddleware"/>), so an open stream no longer holds Kestrel's
/// per-request state. Use <see cref="StreamDetach.TryDetach"/>.
/// </summary>
internal interface IStreamDetachFeature
{
    /// <summary>Whether the HTTP layer reads this connection's transport directly (no TLS in between) and it is not detached yet.</summary>
    bool CanDetach { get; }

    /// <summary>
    /// Detaches: from now on Kestrel's writes are dropped and its next read sees the end of the
    /// input, so it finishes the request and lets go of the connection. <paramref name="stream"/>
    /// then runs once on the raw transport, whatever happens.
    /// </summary>
    void Detach(IDetachedStream stream);
}

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
    /// Before the response starts: keeps the response head Kestrel writes off the transport, so
    /// that a stream that then detaches writes it, and its body, straight to the socket (no
    /// transport output pipe per write). Only on a socket connection that has not written anything
    /// yet (an earlier response on it may still be on its way to the socket). Returns false
    /// (nothing captured) otherwise. A capture that does not end in <see cref="Detach"/> must be
    /// released with <see cref="ReleaseResponseHead"/>.
    /// </summary>
    bool TryCaptureResponseHead();

    /// <summary>Ends a capture without detaching: the captured head goes to the transport as usual.</summary>
    void ReleaseResponseHead();

    /// <summary>
    /// Detaches: from now on Kestrel's writes are dropped and its next read sees the end of the
    /// input, so it finishes the request and lets go of the connection. <paramref name="stream"/>
    /// then runs once on the raw transport, whatever happens.
    /// </summary>
    void Detach(IDetachedStream stream);
}

namespace OrleansSse;

/// <summary>The stream every connection on every silo follows.</summary>
/// <remarks>
/// Besides the exceptions below, an implementation adds its own: the HTTP client
/// (<c>HttpSseCluster</c>) throws <c>SseClientException</c> for any other refusal of the silo, an
/// unreachable silo or no answer in time; the Redis client throws <see cref="ObjectDisposedException"/>
/// once disposed.
/// </remarks>
public interface IBroadcastGrain
{
    /// <summary>Appends an event to the broadcast stream; every silo fans it out to its local connections.</summary>
    /// <exception cref="ArgumentException">
    /// The event name is not well-formed or is reserved (<see cref="SseNames.ReservedEvents"/>), or the
    /// coalesce key is invalid; nothing was sent.
    /// </exception>
    /// <exception cref="ArgumentNullException">The event or its <see cref="SseEvent.Data"/> is null.</exception>
    /// <exception cref="BackplaneUnavailableException">
    /// The backplane could not take the event; nothing was published (after a timeout it may have been).
    /// </exception>
    /// <exception cref="OperationCanceledException">The token was cancelled (over HTTP a <see cref="TaskCanceledException"/>).</exception>
    Task<PublishResult> SendAsync(SseEvent evt, CancellationToken cancellationToken = default);
}

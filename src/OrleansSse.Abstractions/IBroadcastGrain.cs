namespace OrleansSse;

/// <summary>The stream every connection on every silo follows.</summary>
public interface IBroadcastGrain
{
    /// <summary>Appends an event to the broadcast stream; every silo fans it out to its local connections.</summary>
    /// <exception cref="BackplaneUnavailableException">The backplane could not take the event; nothing was published.</exception>
    Task<PublishResult> SendAsync(SseEvent evt, CancellationToken cancellationToken = default);
}

namespace OrleansSse;

/// <summary>
/// The virtual actor for one <c>client_id</c>: it owns the client's outbound stream. It exists
/// whether or not the client is connected; events sent while it is offline wait in retention
/// for its resume (<c>Last-Event-ID</c>).
/// </summary>
/// <remarks>
/// Errors common to every method: <see cref="BackplaneUnavailableException"/> when the backplane
/// (Redis) is unreachable, and <see cref="OperationCanceledException"/> when the token is cancelled
/// (over HTTP a <see cref="TaskCanceledException"/>, which derives from it). An implementation adds
/// its own: the HTTP client (<c>HttpSseCluster</c>) throws <c>SseClientException</c> for any other
/// refusal of the silo, an unreachable silo or no answer in time; the Redis client throws
/// <see cref="ObjectDisposedException"/> once disposed.
/// </remarks>
public interface IClientGrain
{
    /// <summary>The grain's key.</summary>
    string ClientId { get; }

    /// <summary>Appends an event to the client's stream and delivers it to every open connection of the client.</summary>
    /// <exception cref="ArgumentException">
    /// The event name is not well-formed or is reserved (<see cref="SseNames.ReservedEvents"/>), or the
    /// coalesce key is invalid; nothing was sent.
    /// </exception>
    /// <exception cref="ArgumentNullException">The event or its <see cref="SseEvent.Data"/> is null.</exception>
    /// <exception cref="BackplaneUnavailableException">
    /// The backplane could not take the event; nothing was published (after a timeout it may have been).
    /// </exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    Task<PublishResult> SendAsync(SseEvent evt, CancellationToken cancellationToken = default);

    /// <summary>Whether the client is online and which groups it belongs to.</summary>
    /// <exception cref="BackplaneUnavailableException">The backplane could not be asked.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    Task<ClientInfo> GetInfoAsync(CancellationToken cancellationToken = default);

    /// <summary>Ends every open connection of the client, on every silo. The browser reconnects by itself.</summary>
    /// <exception cref="BackplaneUnavailableException">The backplane could not pass the request on.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    Task DisconnectAsync(CancellationToken cancellationToken = default);
}

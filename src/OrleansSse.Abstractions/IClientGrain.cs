namespace OrleansSse;

/// <summary>
/// The virtual actor for one <c>client_id</c>: it owns the client's outbound stream. It exists
/// whether or not the client is connected; events sent while it is offline wait in retention
/// for its resume (<c>Last-Event-ID</c>).
/// </summary>
public interface IClientGrain
{
    /// <summary>The grain's key.</summary>
    string ClientId { get; }

    /// <summary>Appends an event to the client's stream and delivers it to every open connection of the client.</summary>
    /// <exception cref="BackplaneUnavailableException">The backplane could not take the event; nothing was published.</exception>
    Task<PublishResult> SendAsync(SseEvent evt, CancellationToken cancellationToken = default);

    /// <summary>Whether the client is online and which groups it belongs to.</summary>
    Task<ClientInfo> GetInfoAsync(CancellationToken cancellationToken = default);

    /// <summary>Ends every open connection of the client, on every silo. The browser reconnects by itself.</summary>
    Task DisconnectAsync(CancellationToken cancellationToken = default);
}

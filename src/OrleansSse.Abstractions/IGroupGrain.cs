namespace OrleansSse;

/// <summary>
/// The virtual actor for one group. Membership is kept in the backplane, so it survives a
/// client's reconnect to another silo; a member added while offline receives the group's events
/// once it connects.
/// </summary>
public interface IGroupGrain
{
    /// <summary>The grain's key.</summary>
    string Name { get; }

    /// <summary>Adds a client; its open connections, on every silo, follow the group from then on.</summary>
    Task AddAsync(string clientId, CancellationToken cancellationToken = default);

    /// <summary>Removes a client; its open connections stop following the group.</summary>
    Task RemoveAsync(string clientId, CancellationToken cancellationToken = default);

    /// <summary>The group's members, sorted.</summary>
    Task<IReadOnlyList<string>> GetMembersAsync(CancellationToken cancellationToken = default);

    /// <summary>Appends an event to the group's stream and delivers it to every connection of every member.</summary>
    /// <exception cref="BackplaneUnavailableException">The backplane could not take the event; nothing was published.</exception>
    Task<PublishResult> SendAsync(SseEvent evt, CancellationToken cancellationToken = default);
}

namespace OrleansSse;

/// <summary>
/// The virtual actor for one group. Membership is kept in the backplane, so it survives a
/// client's reconnect to another silo; a member added while offline receives the group's events
/// once it connects.
/// </summary>
/// <remarks>
/// Errors common to every method: <see cref="BackplaneUnavailableException"/> when the backplane
/// (Redis) is unreachable, and <see cref="OperationCanceledException"/> when the token is cancelled
/// (over HTTP a <see cref="TaskCanceledException"/>, which derives from it). An implementation adds
/// its own: the HTTP client (<c>HttpSseCluster</c>) throws <c>SseClientException</c> for any other
/// refusal of the silo (e.g. 409 for <see cref="AddAsync"/> past the silos' groups-per-client limit),
/// an unreachable silo or no answer in time; the Redis client throws
/// <see cref="ObjectDisposedException"/> once disposed.
/// </remarks>
public interface IGroupGrain
{
    /// <summary>The grain's key.</summary>
    string Name { get; }

    /// <summary>Adds a client; its open connections, on every silo, follow the group from then on.</summary>
    /// <exception cref="ArgumentException">The client id is invalid (<see cref="SseNames.IsValidKey"/>); nothing was sent.</exception>
    /// <exception cref="BackplaneUnavailableException">The backplane could not record the membership.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    Task AddAsync(string clientId, CancellationToken cancellationToken = default);

    /// <summary>Removes a client; its open connections stop following the group.</summary>
    /// <exception cref="ArgumentException">The client id is invalid (<see cref="SseNames.IsValidKey"/>); nothing was sent.</exception>
    /// <exception cref="BackplaneUnavailableException">The backplane could not remove the membership.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    Task RemoveAsync(string clientId, CancellationToken cancellationToken = default);

    /// <summary>The group's members, sorted.</summary>
    /// <exception cref="BackplaneUnavailableException">The backplane could not be asked.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    Task<IReadOnlyList<string>> GetMembersAsync(CancellationToken cancellationToken = default);

    /// <summary>Appends an event to the group's stream and delivers it to every connection of every member.</summary>
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
}

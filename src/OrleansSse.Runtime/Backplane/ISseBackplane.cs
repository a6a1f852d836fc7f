namespace OrleansSse.Backplane;

/// <summary>
/// How silos share events, cut by address kind (client, group, all). One position sequence per
/// ordering domain: every publish takes the next position, appends to the target's bounded
/// history and publishes live, atomically, so ids, history order and live order agree.
/// Live delivery is at-most-once; history (within retention) makes resume lossless.
/// Group memberships lapse <see cref="RetentionOptions.MembershipLifetime"/> after their join or
/// their client's last refresh (<see cref="RefreshMembershipsAsync"/>): a lapsed membership is gone
/// from every read, and a join after it is a new membership. Deadlines are computed on the
/// caller's clock (the <see cref="TimeProvider"/> the implementation was given).
/// Implementations: <see cref="InMemoryBackplane"/> (one silo) and the Redis backplane (a cluster).
/// Core code never names an implementation.
/// </summary>
public interface ISseBackplane
{
    /// <summary>Reachability, for <c>/healthz</c>.</summary>
    BackplaneHealth Health { get; }

    /// <summary>
    /// Raised after the backplane came back from an outage and its subscriptions are live again.
    /// Live events published meanwhile were missed; subscribers catch up from history.
    /// </summary>
    event Action? Reconnected;

    /// <summary>
    /// How old a cursor may get before a resume from it is not recovered if anything was published
    /// after it (the record of what it could have missed does not reach back further);
    /// <see cref="TimeSpan.MaxValue"/> when age alone never makes a resume unrecovered. A silo keeps the
    /// ids of its idle streams younger than this with watermarks (<see cref="PublishWatermarkAsync"/>).
    /// </summary>
    TimeSpan CursorHorizon { get; }

    /// <summary>The current epoch and the last position taken.</summary>
    /// <exception cref="BackplaneUnavailableException">The backplane is down.</exception>
    Task<EventCursor> GetCurrentAsync(CancellationToken cancellationToken = default);

    /// <summary>Takes the next position, appends the event to the target's history, publishes it live.</summary>
    /// <exception cref="BackplaneUnavailableException">Nothing was published.</exception>
    Task<PublishReceipt> PublishAsync(SseTarget target, string eventName, string data, CancellationToken cancellationToken = default) =>
        PublishAsync(target, eventName, data, coalesceKey: null, cancellationToken);

    /// <summary>
    /// Takes the next position, appends the event with its <paramref name="coalesceKey"/> (null: none)
    /// to the target's history, publishes it live. The key travels with the event: live messages and
    /// history entries carry it as <see cref="BackplaneMessage.CoalesceKey"/>. Coalescing itself is
    /// the connections' business; the backplane keeps every event.
    /// </summary>
    /// <exception cref="BackplaneUnavailableException">Nothing was published.</exception>
    Task<PublishReceipt> PublishAsync(SseTarget target, string eventName, string data, string? coalesceKey, CancellationToken cancellationToken = default);

    /// <summary>
    /// Takes the next position and publishes it live on <see cref="SseTarget.All"/> as a
    /// <see cref="MessageKind.Watermark"/>: in no history, no event. Every silo that follows everyone
    /// receives it after every message published before it, so its idle streams can move their
    /// clients' cursors to it (an SSE <c>id:</c> alone), keeping them within <see cref="CursorHorizon"/>.
    /// </summary>
    /// <exception cref="BackplaneUnavailableException">Nothing was published.</exception>
    Task<EventCursor> PublishWatermarkAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Adds a client to a group (in both the group's member set and the client's group set) and
    /// publishes <see cref="MessageKind.GroupJoined"/> on the client's target. Returns its position.
    /// A new member's join position (<see cref="GroupMembership.JoinedAt"/>) is that position; adding
    /// a member again keeps its first join position. Either way the membership's deadline becomes now
    /// plus <see cref="RetentionOptions.MembershipLifetime"/>; a member whose membership lapsed is new.
    /// </summary>
    Task<long> AddToGroupAsync(string group, string clientId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Adds a client to <paramref name="groups"/> as <see cref="AddToGroupAsync"/> does, all or none,
    /// unless it would then belong to more than <paramref name="maxGroups"/> groups in total (groups it
    /// already belongs to do not count twice; 0 or less: no limit). Checked and applied atomically, so
    /// concurrent joins cannot pass the limit together. Lapsed memberships do not count.
    /// </summary>
    Task<GroupJoinResult> AddToGroupsWithinLimitAsync(string clientId, IReadOnlyCollection<string> groups, int maxGroups, CancellationToken cancellationToken = default);

    /// <summary>Removes a client from a group and publishes <see cref="MessageKind.GroupLeft"/> on the client's target.</summary>
    Task<long> RemoveFromGroupAsync(string group, string clientId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Pushes the deadline of every current membership of <paramref name="clientIds"/> to now plus
    /// <see cref="RetentionOptions.MembershipLifetime"/>. A silo calls it for the clients it holds
    /// connections for, at connect and periodically, so that a membership lapses only once its client
    /// stayed away for the lifetime. A lapsed membership is not brought back; a client without
    /// memberships is skipped. A deadline only moves later. With a lifetime of zero the deadline is
    /// "never": memberships a shared store kept from a time with a lifetime become permanent.
    /// </summary>
    /// <exception cref="BackplaneUnavailableException">Some deadlines may not have been pushed.</exception>
    Task RefreshMembershipsAsync(IReadOnlyCollection<string> clientIds, CancellationToken cancellationToken = default);

    /// <summary>The group's members, sorted ordinally.</summary>
    Task<IReadOnlyList<string>> GetGroupMembersAsync(string group, CancellationToken cancellationToken = default);

    /// <summary>The client's groups, sorted ordinally (lapsed memberships are never listed, here or by the other reads).</summary>
    Task<IReadOnlyList<string>> GetClientGroupsAsync(string clientId, CancellationToken cancellationToken = default);

    /// <summary>The client's groups with their join positions, sorted ordinally by group.</summary>
    Task<IReadOnlyList<GroupMembership>> GetClientMembershipsAsync(string clientId, CancellationToken cancellationToken = default);

    /// <summary>Whether any silo follows the client's target (holds a connection for it).</summary>
    Task<bool> IsOnlineAsync(string clientId, CancellationToken cancellationToken = default);

    /// <summary>Publishes <see cref="MessageKind.Disconnect"/> on the client's target.</summary>
    Task DisconnectAsync(string clientId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Follows a target live. <paramref name="onMessage"/> runs for every message published to it
    /// after the returned task completes, in position order (across all of this backplane instance's
    /// subscriptions), and must not block. Dispose the result to stop. When the task fails (or is
    /// cancelled), nothing stays subscribed: <paramref name="onMessage"/> never runs.
    /// </summary>
    Task<IAsyncDisposable> SubscribeAsync(SseTarget target, Action<BackplaneMessage> onMessage, CancellationToken cancellationToken = default);

    /// <summary>
    /// The retained events of <paramref name="targets"/> strictly after <paramref name="after"/>, merged in
    /// position order. A cursor of another epoch, or beyond the current position (however far), reads no
    /// events and is not recovered.
    /// </summary>
    Task<HistoryResult> ReadHistoryAsync(IReadOnlyCollection<SseTarget> targets, EventCursor after, CancellationToken cancellationToken = default);

    /// <summary>
    /// As <see cref="ReadHistoryAsync(IReadOnlyCollection{SseTarget}, EventCursor, CancellationToken)"/>, but a
    /// target listed in <paramref name="joinedAt"/> counts only from that position on (a group the client
    /// joined there): its events at or before it are neither returned nor, if trimmed, a loss.
    /// </summary>
    Task<HistoryResult> ReadHistoryAsync(IReadOnlyCollection<SseTarget> targets, EventCursor after, IReadOnlyDictionary<SseTarget, long> joinedAt, CancellationToken cancellationToken = default);
}

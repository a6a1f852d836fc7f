using OrleansSse.Backplane;

namespace OrleansSse.Silo.Tests;

/// <summary>An in-memory backplane whose membership refresh fails (as with Redis down) while <see cref="Failing"/> is set.</summary>
internal sealed class RefreshFailingBackplane(InMemoryBackplane inner) : ISseBackplane
{
    private int _failures;

    public volatile bool Failing = true;

    /// <summary>Refreshes refused so far.</summary>
    public int Failures => Volatile.Read(ref _failures);

    public BackplaneHealth Health => inner.Health;

    public event Action? Reconnected
    {
        add => inner.Reconnected += value;
        remove => inner.Reconnected -= value;
    }

    public Task RefreshMembershipsAsync(IReadOnlyCollection<string> clientIds, CancellationToken cancellationToken = default)
    {
        if (Failing)
        {
            Interlocked.Increment(ref _failures);
            throw new BackplaneUnavailableException("The backplane is down (test).");
        }

        return inner.RefreshMembershipsAsync(clientIds, cancellationToken);
    }

    public Task<EventCursor> GetCurrentAsync(CancellationToken cancellationToken = default) => inner.GetCurrentAsync(cancellationToken);

    public Task<PublishReceipt> PublishAsync(SseTarget target, string eventName, string data, string? coalesceKey, CancellationToken cancellationToken = default) =>
        inner.PublishAsync(target, eventName, data, coalesceKey, cancellationToken);

    public Task<long> AddToGroupAsync(string group, string clientId, CancellationToken cancellationToken = default) => inner.AddToGroupAsync(group, clientId, cancellationToken);

    public Task<GroupJoinResult> AddToGroupsWithinLimitAsync(string clientId, IReadOnlyCollection<string> groups, int maxGroups, CancellationToken cancellationToken = default) =>
        inner.AddToGroupsWithinLimitAsync(clientId, groups, maxGroups, cancellationToken);

    public Task<long> RemoveFromGroupAsync(string group, string clientId, CancellationToken cancellationToken = default) => inner.RemoveFromGroupAsync(group, clientId, cancellationToken);

    public Task<IReadOnlyList<string>> GetGroupMembersAsync(string group, CancellationToken cancellationToken = default) => inner.GetGroupMembersAsync(group, cancellationToken);

    public Task<IReadOnlyList<string>> GetClientGroupsAsync(string clientId, CancellationToken cancellationToken = default) => inner.GetClientGroupsAsync(clientId, cancellationToken);

    public Task<IReadOnlyList<GroupMembership>> GetClientMembershipsAsync(string clientId, CancellationToken cancellationToken = default) => inner.GetClientMembershipsAsync(clientId, cancellationToken);

    public Task<bool> IsOnlineAsync(string clientId, CancellationToken cancellationToken = default) => inner.IsOnlineAsync(clientId, cancellationToken);

    public Task DisconnectAsync(string clientId, CancellationToken cancellationToken = default) => inner.DisconnectAsync(clientId, cancellationToken);

    public Task<IAsyncDisposable> SubscribeAsync(SseTarget target, Action<BackplaneMessage> onMessage, CancellationToken cancellationToken = default) =>
        inner.SubscribeAsync(target, onMessage, cancellationToken);

    public Task<HistoryResult> ReadHistoryAsync(IReadOnlyCollection<SseTarget> targets, EventCursor after, CancellationToken cancellationToken = default) =>
        inner.ReadHistoryAsync(targets, after, cancellationToken);

    public Task<HistoryResult> ReadHistoryAsync(IReadOnlyCollection<SseTarget> targets, EventCursor after, IReadOnlyDictionary<SseTarget, long> joinedAt, CancellationToken cancellationToken = default) =>
        inner.ReadHistoryAsync(targets, after, joinedAt, cancellationToken);
}

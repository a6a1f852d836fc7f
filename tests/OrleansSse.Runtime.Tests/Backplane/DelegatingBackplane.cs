using OrleansSse.Backplane;

namespace OrleansSse.Tests.Backplane;

/// <summary>A backplane that hands every call to <paramref name="inner"/>; tests override the one call they hook.</summary>
internal abstract class DelegatingBackplane(ISseBackplane inner) : ISseBackplane
{
    public BackplaneHealth Health => inner.Health;

    public event Action? Reconnected
    {
        add => inner.Reconnected += value;
        remove => inner.Reconnected -= value;
    }

    public TimeSpan CursorHorizon => inner.CursorHorizon;

    public virtual Task<EventCursor> PublishWatermarkAsync(CancellationToken cancellationToken = default) => inner.PublishWatermarkAsync(cancellationToken);

    public virtual Task<EventCursor> GetCurrentAsync(CancellationToken cancellationToken = default) => inner.GetCurrentAsync(cancellationToken);

    public virtual Task<PublishReceipt> PublishAsync(SseTarget target, string eventName, string data, string? coalesceKey, CancellationToken cancellationToken = default) =>
        inner.PublishAsync(target, eventName, data, coalesceKey, cancellationToken);

    public virtual Task<long> AddToGroupAsync(string group, string clientId, CancellationToken cancellationToken = default) =>
        inner.AddToGroupAsync(group, clientId, cancellationToken);

    public virtual Task<GroupJoinResult> AddToGroupsWithinLimitAsync(string clientId, IReadOnlyCollection<string> groups, int maxGroups, CancellationToken cancellationToken = default) =>
        inner.AddToGroupsWithinLimitAsync(clientId, groups, maxGroups, cancellationToken);

    public virtual Task<long> RemoveFromGroupAsync(string group, string clientId, CancellationToken cancellationToken = default) =>
        inner.RemoveFromGroupAsync(group, clientId, cancellationToken);

    public virtual Task RefreshMembershipsAsync(IReadOnlyCollection<string> clientIds, CancellationToken cancellationToken = default) =>
        inner.RefreshMembershipsAsync(clientIds, cancellationToken);

    public virtual Task<IReadOnlyList<string>> GetGroupMembersAsync(string group, CancellationToken cancellationToken = default) =>
        inner.GetGroupMembersAsync(group, cancellationToken);

    public virtual Task<IReadOnlyList<string>> GetClientGroupsAsync(string clientId, CancellationToken cancellationToken = default) =>
        inner.GetClientGroupsAsync(clientId, cancellationToken);

    public virtual Task<IReadOnlyList<GroupMembership>> GetClientMembershipsAsync(string clientId, CancellationToken cancellationToken = default) =>
        inner.GetClientMembershipsAsync(clientId, cancellationToken);

    public virtual Task<bool> IsOnlineAsync(string clientId, CancellationToken cancellationToken = default) =>
        inner.IsOnlineAsync(clientId, cancellationToken);

    public virtual Task DisconnectAsync(string clientId, CancellationToken cancellationToken = default) =>
        inner.DisconnectAsync(clientId, cancellationToken);

    public virtual Task<IAsyncDisposable> SubscribeAsync(SseTarget target, Action<BackplaneMessage> onMessage, CancellationToken cancellationToken = default) =>
        inner.SubscribeAsync(target, onMessage, cancellationToken);

    public virtual Task<HistoryResult> ReadHistoryAsync(IReadOnlyCollection<SseTarget> targets, EventCursor after, CancellationToken cancellationToken = default) =>
        inner.ReadHistoryAsync(targets, after, cancellationToken);

    public virtual Task<HistoryResult> ReadHistoryAsync(IReadOnlyCollection<SseTarget> targets, EventCursor after, IReadOnlyDictionary<SseTarget, long> joinedAt, CancellationToken cancellationToken = default) =>
        inner.ReadHistoryAsync(targets, after, joinedAt, cancellationToken);
}

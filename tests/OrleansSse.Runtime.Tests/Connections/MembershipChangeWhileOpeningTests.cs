using Microsoft.Extensions.Logging.Abstractions;
using OrleansSse.Backplane;
using OrleansSse.Connections;
using OrleansSse.Metrics;

namespace OrleansSse.Tests.Connections;

/// <summary>
/// A stream reads its client's memberships, then follows each group. Joins and leaves that land
/// between the read and the follows must still count.
/// </summary>
public sealed class MembershipChangeWhileOpeningTests
{
    [Fact]
    public async Task LeaveAfterTheMembershipReadIsNotUndoneByTheFollowThatComesAfterIt()
    {
        var backplane = new HookedBackplane(new InMemoryBackplane());
        await backplane.AddToGroupAsync("team", "ann");
        backplane.AfterMembershipRead = () => backplane.RemoveFromGroupAsync("team", "ann");
        using var registry = NewRegistry(backplane);

        var opened = await registry.OpenAsync("ann", cursor: null, CancellationToken.None);

        Assert.DoesNotContain(SseTarget.Group("team"), opened.Connection.Targets);
    }

    [Fact]
    public async Task LeaveAndJoinAgainAfterTheReadKeepsTheGroup()
    {
        var backplane = new HookedBackplane(new InMemoryBackplane());
        await backplane.AddToGroupAsync("team", "bob");
        backplane.AfterMembershipRead = async () =>
        {
            await backplane.RemoveFromGroupAsync("team", "bob");
            await backplane.AddToGroupAsync("team", "bob");
        };
        using var registry = NewRegistry(backplane);

        var opened = await registry.OpenAsync("bob", cursor: null, CancellationToken.None);

        Assert.Contains(SseTarget.Group("team"), opened.Connection.Targets);
    }

    [Fact]
    public async Task JoinAfterTheReadIsFollowed()
    {
        var backplane = new HookedBackplane(new InMemoryBackplane());
        backplane.AfterMembershipRead = () => backplane.AddToGroupAsync("late", "cy");
        using var registry = NewRegistry(backplane);

        var opened = await registry.OpenAsync("cy", cursor: null, CancellationToken.None);

        Assert.Contains(SseTarget.Group("late"), opened.Connection.Targets);
    }

    private static ConnectionRegistry NewRegistry(ISseBackplane backplane) => new(
        backplane, Microsoft.Extensions.Options.Options.Create(new StreamOptions()), new SseMetrics(), NullLogger<ConnectionRegistry>.Instance);

    /// <summary>The in-memory backplane, with a step the test runs right after a membership read.</summary>
    private sealed class HookedBackplane(InMemoryBackplane inner) : ISseBackplane
    {
        public Func<Task>? AfterMembershipRead { get; set; }

        public BackplaneHealth Health => inner.Health;

        public event Action? Reconnected
        {
            add => inner.Reconnected += value;
            remove => inner.Reconnected -= value;
        }

        public async Task<IReadOnlyList<GroupMembership>> GetClientMembershipsAsync(string clientId, CancellationToken cancellationToken = default)
        {
            var memberships = await inner.GetClientMembershipsAsync(clientId, cancellationToken);
            if (AfterMembershipRead is { } step)
            {
                AfterMembershipRead = null;
                await step();
            }

            return memberships;
        }

        public Task<EventCursor> GetCurrentAsync(CancellationToken cancellationToken = default) => inner.GetCurrentAsync(cancellationToken);

        public Task<PublishReceipt> PublishAsync(SseTarget target, string eventName, string data, string? coalesceKey, CancellationToken cancellationToken = default) =>
            inner.PublishAsync(target, eventName, data, coalesceKey, cancellationToken);

        public Task<long> AddToGroupAsync(string group, string clientId, CancellationToken cancellationToken = default) => inner.AddToGroupAsync(group, clientId, cancellationToken);

        public Task<GroupJoinResult> AddToGroupsWithinLimitAsync(string clientId, IReadOnlyCollection<string> groups, int maxGroups, CancellationToken cancellationToken = default) =>
            inner.AddToGroupsWithinLimitAsync(clientId, groups, maxGroups, cancellationToken);

        public Task<long> RemoveFromGroupAsync(string group, string clientId, CancellationToken cancellationToken = default) => inner.RemoveFromGroupAsync(group, clientId, cancellationToken);

        public Task RefreshMembershipsAsync(IReadOnlyCollection<string> clientIds, CancellationToken cancellationToken = default) => inner.RefreshMembershipsAsync(clientIds, cancellationToken);

        public Task<IReadOnlyList<string>> GetGroupMembersAsync(string group, CancellationToken cancellationToken = default) => inner.GetGroupMembersAsync(group, cancellationToken);

        public Task<IReadOnlyList<string>> GetClientGroupsAsync(string clientId, CancellationToken cancellationToken = default) => inner.GetClientGroupsAsync(clientId, cancellationToken);

        public Task<bool> IsOnlineAsync(string clientId, CancellationToken cancellationToken = default) => inner.IsOnlineAsync(clientId, cancellationToken);

        public Task DisconnectAsync(string clientId, CancellationToken cancellationToken = default) => inner.DisconnectAsync(clientId, cancellationToken);

        public Task<IAsyncDisposable> SubscribeAsync(SseTarget target, Action<BackplaneMessage> onMessage, CancellationToken cancellationToken = default) =>
            inner.SubscribeAsync(target, onMessage, cancellationToken);

        public Task<HistoryResult> ReadHistoryAsync(IReadOnlyCollection<SseTarget> targets, EventCursor after, CancellationToken cancellationToken = default) =>
            inner.ReadHistoryAsync(targets, after, cancellationToken);

        public Task<HistoryResult> ReadHistoryAsync(IReadOnlyCollection<SseTarget> targets, EventCursor after, IReadOnlyDictionary<SseTarget, long> joinedAt, CancellationToken cancellationToken = default) =>
            inner.ReadHistoryAsync(targets, after, joinedAt, cancellationToken);
    }
}

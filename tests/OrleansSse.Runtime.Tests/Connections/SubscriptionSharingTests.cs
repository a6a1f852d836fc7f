using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging.Abstractions;
using OrleansSse.Backplane;
using OrleansSse.Connections;
using OrleansSse.Metrics;
using OrleansSse.Tests.Backplane;

namespace OrleansSse.Tests.Connections;

/// <summary>
/// Fan-out is local (DESIGN "The shape", STYLE 5): a silo makes one backplane subscription per
/// target however many of its connections follow it, made when the first arrives (also while
/// several open at once) and dropped when the last leaves; each event is one backplane message
/// per silo, never one per connection.
/// </summary>
public sealed class SubscriptionSharingTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task ThreeLocalMembersOpeningAtOnceShareOneGroupSubscription_DroppedWhenTheLastLeaves()
    {
        var group = SseTarget.Group("team");
        var backplane = new CountingBackplane(new InMemoryBackplane(), holdSubscribeTo: group, membershipReadsBeforeRelease: 3);
        string[] members = ["ann", "bob", "cy"];
        foreach (var member in members)
        {
            await backplane.AddToGroupAsync("team", member);
        }

        var metrics = new SseMetrics();
        using var registry = new ConnectionRegistry(
            backplane, Microsoft.Extensions.Options.Options.Create(new StreamOptions()), metrics, NullLogger<ConnectionRegistry>.Instance);

        // The group's subscription is held until all three streams have read their memberships.
        var opening = members.Select(m => registry.OpenAsync(m, cursor: null, CancellationToken.None)).ToArray();
        var opened = await Task.WhenAll(opening).WaitAsync(Timeout);
        foreach (var stream in opened)
        {
            ConnectionRegistry.Start(stream, "first\n\n"u8.ToArray());
        }

        Assert.Equal(1, backplane.Subscribes(group));
        Assert.Equal(1, backplane.Subscribes(SseTarget.All));
        Assert.All(members, m => Assert.Equal(1, backplane.Subscribes(SseTarget.Client(m))));

        var toTeam = await backplane.PublishAsync(group, "message", "to-team", null);
        Assert.Equal(1, toTeam.Subscribers);
        Assert.All(opened, s => Assert.Equal(toTeam.Cursor.Position, s.Connection.LastPosition));
        var toAll = await backplane.PublishAsync(SseTarget.All, "message", "to-all", null);
        Assert.All(opened, s => Assert.Equal(toAll.Cursor.Position, s.Connection.LastPosition));
        Assert.Equal(2, BackplaneMessages(metrics));

        // Two of three leave: the subscription stays.
        await registry.CloseAsync(opened[0].Connection);
        await registry.CloseAsync(opened[1].Connection);
        Assert.Equal(0, backplane.Disposals(group));
        var stillFollowed = await backplane.PublishAsync(group, "message", "to-cy", null);
        Assert.Equal(1, stillFollowed.Subscribers);
        Assert.Equal(stillFollowed.Cursor.Position, opened[2].Connection.LastPosition);

        // The last one leaves: the subscription goes.
        await registry.CloseAsync(opened[2].Connection);
        Assert.Equal(1, backplane.Disposals(group));
        Assert.Equal(1, backplane.Disposals(SseTarget.All));
        Assert.Equal(0, (await backplane.PublishAsync(group, "message", "to-nobody", null)).Subscribers);
        Assert.Equal(1, backplane.Subscribes(group));
    }

    [Fact]
    public async Task ABroadcastIsOneBackplaneMessageForTheSiloWhateverItsConnectionCount()
    {
        var backplane = new CountingBackplane(new InMemoryBackplane());
        var metrics = new SseMetrics();
        using var registry = new ConnectionRegistry(
            backplane, Microsoft.Extensions.Options.Options.Create(new StreamOptions()), metrics, NullLogger<ConnectionRegistry>.Instance);
        for (var i = 0; i < 50; i++)
        {
            ConnectionRegistry.Start(await registry.OpenAsync($"c{i}", cursor: null, CancellationToken.None), "first\n\n"u8.ToArray());
        }

        var receipt = await backplane.PublishAsync(SseTarget.All, "message", "everyone", null);

        Assert.Equal(1, receipt.Subscribers);
        Assert.Equal(1, BackplaneMessages(metrics));
        Assert.Equal(1, backplane.Subscribes(SseTarget.All));
    }

    private static long BackplaneMessages(SseMetrics metrics)
    {
        var text = new StringBuilder();
        metrics.WritePrometheus(text);
        var match = Regex.Match(text.ToString(), @"^orleanssse_backplane_messages_total (\d+)$", RegexOptions.Multiline);
        Assert.True(match.Success, text.ToString());
        return long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Counts subscriptions and their disposals per target. A subscription to <c>holdSubscribeTo</c>
    /// completes only once the client memberships were read <c>membershipReadsBeforeRelease</c> times.
    /// </summary>
    private sealed class CountingBackplane(ISseBackplane inner, SseTarget? holdSubscribeTo = null, int membershipReadsBeforeRelease = 0)
        : DelegatingBackplane(inner)
    {
        private readonly ConcurrentDictionary<SseTarget, int> _subscribes = new();
        private readonly ConcurrentDictionary<SseTarget, int> _disposals = new();
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _membershipReads;

        public int Subscribes(SseTarget target) => _subscribes.GetValueOrDefault(target);

        public int Disposals(SseTarget target) => _disposals.GetValueOrDefault(target);

        public override async Task<IReadOnlyList<GroupMembership>> GetClientMembershipsAsync(string clientId, CancellationToken cancellationToken = default)
        {
            var memberships = await base.GetClientMembershipsAsync(clientId, cancellationToken);
            if (Interlocked.Increment(ref _membershipReads) >= membershipReadsBeforeRelease)
            {
                _release.TrySetResult();
            }

            return memberships;
        }

        public override async Task<IAsyncDisposable> SubscribeAsync(SseTarget target, Action<BackplaneMessage> onMessage, CancellationToken cancellationToken = default)
        {
            _subscribes.AddOrUpdate(target, 1, static (_, n) => n + 1);
            if (target == holdSubscribeTo)
            {
                await _release.Task.WaitAsync(Timeout, cancellationToken);
            }

            return new Counted(await base.SubscribeAsync(target, onMessage, cancellationToken), () => _disposals.AddOrUpdate(target, 1, static (_, n) => n + 1));
        }

        private sealed class Counted(IAsyncDisposable inner, Action onDispose) : IAsyncDisposable
        {
            public ValueTask DisposeAsync()
            {
                onDispose();
                return inner.DisposeAsync();
            }
        }
    }
}

using OrleansSse.Backplane;
using OrleansSse.Connections;
using OrleansSse.Tests.Backplane;
using static OrleansSse.Tests.Connections.RegistryStreams;

namespace OrleansSse.Tests.Connections;

/// <summary>
/// A silo has one backplane subscription per target at a time. A target followed again while its
/// subscription is still being made reuses it; one followed again while its unsubscribe is under
/// way is subscribed once that is done. (A backplane may complete a second subscribe of a channel
/// whose first is unanswered at once, before anything published can reach it: the follower would
/// then read history before its subscription is live.)
/// </summary>
public sealed class TargetSubscriptionReuseTests
{
    [Fact]
    public async Task TargetFollowedAgainWhileItsSubscriptionIsBeingMade_ReusesIt_AndReadsHistoryOnlyOnceItIsLive()
    {
        var backplane = new GatedBackplane(new InMemoryBackplane(), SseTarget.Group("g"));
        using var registry = NewRegistry(backplane);
        var opened = await registry.OpenAsync("fay", cursor: null, CancellationToken.None);
        ConnectionRegistry.Start(opened, "first\n\n"u8.ToArray());
        var subscribed = backplane.HoldSubscribes();

        await backplane.AddToGroupAsync("g", "fay");       // subscribe sent, unanswered
        await backplane.RemoveFromGroupAsync("g", "fay");  // last local follower leaves
        await backplane.AddToGroupAsync("g", "fay");       // and comes back within the round trip

        Assert.Equal(1, backplane.Subscribes);
        subscribed.SetResult();
        await backplane.PublishAsync(SseTarget.Group("g"), "n", "live", null);
        await backplane.PublishAsync(SseTarget.Client("fay"), "n", "end", null);
        var text = await WrittenUntilAsync(opened.Connection, "data: end");
        await registry.CloseAsync(opened.Connection);

        Assert.Contains("data: live", text, StringComparison.Ordinal);
        Assert.False(backplane.HistoryReadBeforeSubscribed);
        Assert.Equal(1, backplane.Subscribes);
        Assert.Equal(1, backplane.Unsubscribes); // by the close
    }

    [Fact]
    public async Task TargetFollowedAgainWhileItsUnsubscribeIsUnderWay_IsSubscribedOnceThatIsDone()
    {
        var backplane = new GatedBackplane(new InMemoryBackplane(), SseTarget.Group("g"));
        using var registry = NewRegistry(backplane);
        var opened = await registry.OpenAsync("fay", cursor: null, CancellationToken.None);
        ConnectionRegistry.Start(opened, "first\n\n"u8.ToArray());
        await using var written = new WrittenStream(opened.Connection);
        await backplane.AddToGroupAsync("g", "fay");
        await backplane.PublishAsync(SseTarget.Group("g"), "n", "one", null);
        await written.UntilAsync("data: one"); // the join is done: subscribed
        var unsubscribed = backplane.HoldUnsubscribes();

        await backplane.RemoveFromGroupAsync("g", "fay");  // unsubscribe sent, unanswered
        await backplane.AddToGroupAsync("g", "fay");

        Assert.Equal(1, backplane.Subscribes);
        unsubscribed.SetResult();
        await backplane.PublishAsync(SseTarget.Group("g"), "n", "two", null);
        await backplane.PublishAsync(SseTarget.Client("fay"), "n", "end", null);
        var text = await written.UntilAsync("data: end");
        await registry.CloseAsync(opened.Connection);

        Assert.Contains("data: two", text, StringComparison.Ordinal);
        Assert.False(backplane.HistoryReadBeforeSubscribed);
        Assert.Equal(2, backplane.Subscribes);
    }

    /// <summary>
    /// The in-memory backplane whose subscribes (and unsubscribes) of one target complete only when
    /// the test says so, as a remote backplane's do when the server answers. It counts them, and
    /// records a history read of that target made while none of its subscriptions was live.
    /// </summary>
    private sealed class GatedBackplane(InMemoryBackplane inner, SseTarget gated) : DelegatingBackplane(inner)
    {
        private TaskCompletionSource? _subscribeGate;
        private TaskCompletionSource? _unsubscribeGate;
        private int _live;

        public int Subscribes { get; private set; }

        public int Unsubscribes { get; private set; }

        public bool HistoryReadBeforeSubscribed { get; private set; }

        public TaskCompletionSource HoldSubscribes() => _subscribeGate = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource HoldUnsubscribes() => _unsubscribeGate = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override async Task<IAsyncDisposable> SubscribeAsync(SseTarget target, Action<BackplaneMessage> onMessage, CancellationToken cancellationToken = default)
        {
            if (target != gated)
            {
                return await base.SubscribeAsync(target, onMessage, cancellationToken);
            }

            Subscribes++;
            if (_subscribeGate is { } gate)
            {
                await gate.Task;
            }

            var subscription = await base.SubscribeAsync(target, onMessage, cancellationToken);
            Interlocked.Increment(ref _live);
            return new Gated(this, subscription);
        }

        public override Task<HistoryResult> ReadHistoryAsync(IReadOnlyCollection<SseTarget> targets, EventCursor after, CancellationToken cancellationToken = default)
        {
            Observe(targets);
            return base.ReadHistoryAsync(targets, after, cancellationToken);
        }

        public override Task<HistoryResult> ReadHistoryAsync(IReadOnlyCollection<SseTarget> targets, EventCursor after, IReadOnlyDictionary<SseTarget, long> joinedAt, CancellationToken cancellationToken = default)
        {
            Observe(targets);
            return base.ReadHistoryAsync(targets, after, joinedAt, cancellationToken);
        }

        private void Observe(IReadOnlyCollection<SseTarget> targets)
        {
            if (targets.Contains(gated) && Volatile.Read(ref _live) == 0)
            {
                HistoryReadBeforeSubscribed = true;
            }
        }

        private sealed class Gated(GatedBackplane owner, IAsyncDisposable inner) : IAsyncDisposable
        {
            public async ValueTask DisposeAsync()
            {
                owner.Unsubscribes++;
                Interlocked.Decrement(ref owner._live);
                if (owner._unsubscribeGate is { } gate)
                {
                    await gate.Task;
                }

                await inner.DisposeAsync();
            }
        }
    }
}

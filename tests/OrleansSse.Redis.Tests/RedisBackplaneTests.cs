using OrleansSse.Backplane;

namespace OrleansSse.Redis.Tests;

public sealed class RedisBackplaneTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    [Fact]
    public async Task PublishOnOneSiloReachesSubscriberOnOtherSilo()
    {
        await using var silos = await BackplaneSet.CreateAsync(redis, 2);
        var inbox = new Inbox();
        await using var subscription = await silos[1].SubscribeAsync(SseTarget.Client("alice"), inbox.Add);

        var receipt = await silos[0].PublishAsync(SseTarget.Client("alice"), "greeting", "hello\nworld ✓");

        var message = await inbox.NextAsync();
        Assert.Equal(new BackplaneMessage(SseTarget.Client("alice"), MessageKind.Event, receipt.Cursor.Position, receipt.Cursor.Epoch, "greeting", "hello\nworld ✓"), message);
        Assert.Equal(1, receipt.Subscribers);
        Assert.True(await silos[0].IsOnlineAsync("alice"));
        Assert.False(await silos[0].IsOnlineAsync("bob"));
        Assert.Equal(receipt.Cursor, await silos[0].GetCurrentAsync());
    }

    [Fact]
    public async Task DisposedSubscriptionStopsDeliveryAndPresence()
    {
        await using var silos = await BackplaneSet.CreateAsync(redis, 2);
        var inbox = new Inbox();
        var subscription = await silos[1].SubscribeAsync(SseTarget.Client("carol"), inbox.Add);
        await using var sentinel = await silos[1].SubscribeAsync(SseTarget.Client("dave"), inbox.Add);
        await subscription.DisposeAsync();

        var receipt = await silos[0].PublishAsync(SseTarget.Client("carol"), "message", "x");
        await silos[0].PublishAsync(SseTarget.Client("dave"), "message", "marker");

        Assert.Equal(0, receipt.Subscribers);
        Assert.False(await silos[0].IsOnlineAsync("carol"));
        // Published after carol's on the same silo: had carol's arrived, it would come first.
        Assert.Equal("marker", (await inbox.NextAsync()).Data);
        Assert.False(inbox.TryRead(out _));
    }

    [Fact]
    public async Task DisposingOneOfTwoSubscriptionsOnATargetKeepsTheOther()
    {
        await using var silos = await BackplaneSet.CreateAsync(redis, 2);
        var first = new Inbox();
        var second = new Inbox();
        var subscription = await silos[1].SubscribeAsync(SseTarget.Group("g"), first.Add);
        await using var kept = await silos[1].SubscribeAsync(SseTarget.Group("g"), second.Add);
        await subscription.DisposeAsync();

        var receipt = await silos[0].PublishAsync(SseTarget.Group("g"), "n", "1");

        Assert.Equal(1, receipt.Subscribers);
        Assert.Equal("1", (await second.NextAsync()).Data);
        Assert.False(first.TryRead(out _));
    }

    [Fact]
    public async Task ThrowingSubscriberDoesNotStopDelivery()
    {
        await using var silos = await BackplaneSet.CreateAsync(redis, 1);
        var inbox = new Inbox();
        await using var bad = await silos[0].SubscribeAsync(SseTarget.All, _ => throw new InvalidOperationException("boom"));
        await using var good = await silos[0].SubscribeAsync(SseTarget.All, inbox.Add);

        await silos[0].PublishAsync(SseTarget.All, "n", "1");
        await silos[0].PublishAsync(SseTarget.All, "n", "2");

        Assert.Equal(["1", "2"], (await inbox.TakeAsync(2)).Select(m => m.Data));
    }

    [Fact]
    public async Task ConcurrentPublishersAreDeliveredInPositionOrderAcrossSubscriptions()
    {
        await using var silos = await BackplaneSet.CreateAsync(redis, 3);
        var inbox = new Inbox();
        var running = 0;
        var overlapped = false;
        void Handler(BackplaneMessage message)
        {
            // A little work per message, so that handlers running concurrently would show.
            overlapped |= Interlocked.Increment(ref running) > 1;
            Thread.SpinWait(20_000);
            inbox.Add(message);
            Interlocked.Decrement(ref running);
        }

        await using var all = await silos[2].SubscribeAsync(SseTarget.All, Handler);
        await using var group = await silos[2].SubscribeAsync(SseTarget.Group("g"), Handler);
        await using var client = await silos[2].SubscribeAsync(SseTarget.Client("c"), Handler);
        SseTarget[] targets = [SseTarget.All, SseTarget.Group("g"), SseTarget.Client("c")];
        const int PerPublisher = 150;

        await Task.WhenAll(Enumerable.Range(0, 2).Select(p => Task.Run(async () =>
        {
            for (var i = 0; i < PerPublisher; i++)
            {
                await silos[p].PublishAsync(targets[i % 3], "tick", $"{p}:{i}");
            }
        })));

        var received = await inbox.TakeAsync(2 * PerPublisher);
        var positions = received.Select(m => m.Position).ToList();
        Assert.False(overlapped, "handlers ran concurrently");
        Assert.Equal(positions.Order(), positions);
        Assert.Equal(positions.Count, positions.Distinct().Count());
        for (var p = 0; p < 2; p++)
        {
            var mine = received.Where(m => m.Data.StartsWith($"{p}:", StringComparison.Ordinal)).Select(m => m.Data).ToList();
            Assert.Equal(Enumerable.Range(0, PerPublisher).Select(i => $"{p}:{i}"), mine);
        }
    }

    [Fact]
    public async Task GroupMembershipIsSharedAndAnnouncedOnTheClientTarget()
    {
        await using var silos = await BackplaneSet.CreateAsync(redis, 2);
        var inbox = new Inbox();
        await using var subscription = await silos[1].SubscribeAsync(SseTarget.Client("dave"), inbox.Add);

        var joinedB = await silos[0].AddToGroupAsync("b-team", "dave");
        var joinedA = await silos[0].AddToGroupAsync("a-team", "dave");
        await silos[0].AddToGroupAsync("a-team", "ann");

        Assert.Equal(["a-team", "b-team"], await silos[1].GetClientGroupsAsync("dave"));
        Assert.Equal(["ann", "dave"], await silos[1].GetGroupMembersAsync("a-team"));
        var joined = await inbox.TakeAsync(2);
        Assert.Equal((MessageKind.GroupJoined, "b-team", joinedB), (joined[0].Kind, joined[0].Name, joined[0].Position));
        Assert.Equal((MessageKind.GroupJoined, "a-team", joinedA), (joined[1].Kind, joined[1].Name, joined[1].Position));
        Assert.Equal(SseTarget.Client("dave"), joined[1].Target);

        var left = await silos[0].RemoveFromGroupAsync("b-team", "dave");
        var leftMessage = await inbox.NextAsync();
        Assert.Equal((MessageKind.GroupLeft, "b-team", left), (leftMessage.Kind, leftMessage.Name, leftMessage.Position));
        Assert.Equal(["a-team"], await silos[1].GetClientGroupsAsync("dave"));
        Assert.Empty(await silos[1].GetGroupMembersAsync("b-team"));

        await silos[0].DisconnectAsync("dave");
        var disconnect = await inbox.NextAsync();
        Assert.Equal(MessageKind.Disconnect, disconnect.Kind);
        Assert.True(disconnect.Position > left);
    }

    [Fact]
    public async Task MembershipStoredWithoutAJoinPositionReadsAsJoinedAtZeroAndReplaysTheGroup()
    {
        var prefix = "test-" + Guid.NewGuid().ToString("N")[..12];
        await using var backplane = await RedisBackplane.ConnectAsync(redis.CreateOptions(prefix));
        var cursor = await backplane.GetCurrentAsync();
        var before = await backplane.PublishAsync(SseTarget.Group("old"), "message", "x");

        // What a silo of the first release stored: the two sets, no join position.
        Assert.Equal(":1", redis.Send($"SADD {{{prefix}}}:groups:legacy old"));
        Assert.Equal(":1", redis.Send($"SADD {{{prefix}}}:members:old legacy"));

        var memberships = await backplane.GetClientMembershipsAsync("legacy");
        Assert.Equal([new GroupMembership("old", 0)], memberships);
        var history = await backplane.ReadHistoryAsync([SseTarget.Group("old")], cursor, memberships.ToDictionary(m => SseTarget.Group(m.Group), m => m.JoinedAt));
        Assert.Equal([before.Cursor], history.Events.Select(e => e.Cursor));
        Assert.Equal(["old"], await backplane.GetClientGroupsAsync("legacy"));
    }

    [Fact]
    public async Task HistoryAfterCursorMergesClientGroupAndBroadcastInOrderWithoutDuplicates()
    {
        await using var silos = await BackplaneSet.CreateAsync(redis, 2);
        await silos[0].PublishAsync(SseTarget.Client("erin"), "before", "0");
        var cursor = await silos[0].GetCurrentAsync();
        await silos[0].PublishAsync(SseTarget.Client("erin"), "direct", "1");
        await silos[1].PublishAsync(SseTarget.Group("ops"), "group", "2");
        await silos[0].AddToGroupAsync("ops", "erin"); // control: not history
        await silos[1].PublishAsync(SseTarget.All, "broadcast", "3");
        await silos[0].PublishAsync(SseTarget.Client("frank"), "other", "x");
        await silos[1].PublishAsync(SseTarget.Client("erin"), "direct", "4");

        var history = await silos[1].ReadHistoryAsync(
            [SseTarget.Client("erin"), SseTarget.Group("ops"), SseTarget.All, SseTarget.Client("erin")], cursor);

        Assert.True(history.Recovered);
        Assert.Equal(["1", "2", "3", "4"], history.Events.Select(e => e.Data));
        Assert.All(history.Events, e => Assert.Equal(MessageKind.Event, e.Kind));
        Assert.All(history.Events, e => Assert.Equal(cursor.Epoch, e.Epoch));
        Assert.Equal(history.Events.Select(e => e.Position).Order(), history.Events.Select(e => e.Position));
        Assert.Equal(SseTarget.Group("ops"), history.Events[1].Target);

        var fromLast = await silos[0].ReadHistoryAsync([SseTarget.Client("erin")], history.Events[^1].Cursor);
        Assert.True(fromLast.Recovered);
        Assert.Empty(fromLast.Events);
    }
}

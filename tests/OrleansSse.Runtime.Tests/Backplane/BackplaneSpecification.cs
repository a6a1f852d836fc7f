using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using OrleansSse.Backplane;
using OrleansSse.Connections;
using OrleansSse.Metrics;

namespace OrleansSse.Tests.Backplane;

/// <summary>
/// The contract every <see cref="ISseBackplane"/> must meet, run against each implementation by a
/// concrete subclass. "Silos" are backplane instances sharing one ordering domain: the in-memory
/// backplane shares one instance; the Redis backplane connects several instances to one server.
/// </summary>
public abstract partial class BackplaneSpecification : IAsyncLifetime
{
    /// <summary>How long to wait for a message that must arrive.</summary>
    protected static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly List<IAsyncDisposable> _subscriptions = [];

    /// <summary>
    /// Creates <paramref name="silos"/> backplane instances over one shared ordering domain, each with
    /// <paramref name="retention"/> and the clock <paramref name="time"/> (null: the system clock).
    /// </summary>
    protected abstract Task<ISseBackplane[]> CreateBackplanesAsync(int silos, RetentionOptions retention, TimeProvider? time = null);

    /// <summary>
    /// How many storage items (in-memory entries, Redis keys) of the backplanes made last still hold
    /// anything of the membership of <paramref name="clientId"/> in <paramref name="group"/>, as far as
    /// the implementation can tell: the group's members, the client's groups, its join positions.
    /// </summary>
    protected abstract Task<int> MembershipStorageAsync(string group, string clientId);

    /// <inheritdoc />
    public virtual Task InitializeAsync() => Task.CompletedTask;

    /// <inheritdoc />
    public virtual async Task DisposeAsync()
    {
        foreach (var subscription in _subscriptions)
        {
            await subscription.DisposeAsync();
        }
    }

    /// <summary>A unique key so tests sharing a server do not see each other.</summary>
    protected static string Unique(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..12];

    private async Task<MessageSink> FollowAsync(ISseBackplane backplane, params SseTarget[] targets)
    {
        var sink = new MessageSink();
        foreach (var target in targets)
        {
            _subscriptions.Add(await backplane.SubscribeAsync(target, sink.Add));
        }

        return sink;
    }

    [Fact]
    public async Task SendOnOneSiloReachesTheClientFollowedOnAnother()
    {
        var silos = await CreateBackplanesAsync(2, new RetentionOptions());
        var client = SseTarget.Client(Unique("c"));
        var sink = await FollowAsync(silos[1], client);

        var receipt = await silos[0].PublishAsync(client, "greeting", "hello\nworld");

        var message = await sink.NextAsync();
        Assert.Equal((client, MessageKind.Event, "greeting", "hello\nworld"), (message.Target, message.Kind, message.Name, message.Data));
        Assert.Equal(receipt.Cursor, message.Cursor);
        Assert.Equal(1, receipt.Subscribers);
    }

    [Fact]
    public async Task PublishToATargetNobodyFollowsReportsNoSubscribers()
    {
        var silos = await CreateBackplanesAsync(2, new RetentionOptions());
        var receipt = await silos[0].PublishAsync(SseTarget.Client(Unique("nobody")), "message", "x");
        Assert.Equal(0, receipt.Subscribers);
    }

    [Fact]
    public async Task OtherClientsDoNotReceiveADirectSend()
    {
        var silos = await CreateBackplanesAsync(2, new RetentionOptions());
        var alice = SseTarget.Client(Unique("alice"));
        var bob = SseTarget.Client(Unique("bob"));
        var bobSink = await FollowAsync(silos[1], bob);

        await silos[0].PublishAsync(alice, "message", "for alice");
        await silos[0].PublishAsync(bob, "message", "for bob");

        Assert.Equal("for bob", (await bobSink.NextAsync()).Data);
        Assert.True(bobSink.IsEmpty);
    }

    [Fact]
    public async Task BroadcastReachesEverySiloOnce()
    {
        var silos = await CreateBackplanesAsync(3, new RetentionOptions());
        var sinks = new List<MessageSink>();
        foreach (var silo in silos)
        {
            sinks.Add(await FollowAsync(silo, SseTarget.All));
        }

        var marker = Unique("broadcast");
        await silos[0].PublishAsync(SseTarget.All, "message", marker);
        var after = Unique("after");
        await silos[2].PublishAsync(SseTarget.All, "message", after);

        foreach (var sink in sinks)
        {
            // Other tests may broadcast too when they share a server: look for ours, in order, once.
            var ours = new List<string>();
            while (!ours.Contains(after))
            {
                var m = await sink.NextAsync();
                if (m.Data == marker || m.Data == after)
                {
                    ours.Add(m.Data);
                }
            }

            Assert.Equal([marker, after], ours);
        }
    }

    [Fact]
    public async Task GroupMembershipIsSharedAndAnnouncedOnTheClientTarget()
    {
        var silos = await CreateBackplanesAsync(2, new RetentionOptions());
        var group = Unique("g");
        var (alice, bob) = (Unique("alice"), Unique("bob"));
        var aliceSink = await FollowAsync(silos[1], SseTarget.Client(alice));

        var joined = await silos[0].AddToGroupAsync(group, alice);
        await silos[0].AddToGroupAsync(group, bob);

        var control = await aliceSink.NextAsync();
        Assert.Equal((MessageKind.GroupJoined, group, joined), (control.Kind, control.Name, control.Position));
        Assert.Equal(new[] { alice, bob }.Order(StringComparer.Ordinal), await silos[1].GetGroupMembersAsync(group));
        Assert.Equal([group], await silos[1].GetClientGroupsAsync(alice));

        var left = await silos[1].RemoveFromGroupAsync(group, alice);
        var leftMessage = await aliceSink.NextAsync();
        Assert.Equal((MessageKind.GroupLeft, group, left), (leftMessage.Kind, leftMessage.Name, leftMessage.Position));
        Assert.True(left > joined);
        Assert.Equal([bob], await silos[0].GetGroupMembersAsync(group));
        Assert.Empty(await silos[0].GetClientGroupsAsync(alice));
    }

    [Fact]
    public async Task GroupSendReachesTheSilosFollowingTheGroup()
    {
        var silos = await CreateBackplanesAsync(2, new RetentionOptions());
        var group = SseTarget.Group(Unique("g"));
        var sink = await FollowAsync(silos[1], group);

        await silos[0].PublishAsync(group, "update", "{\"v\":1}");

        var m = await sink.NextAsync();
        Assert.Equal((group, "update", "{\"v\":1}"), (m.Target, m.Name, m.Data));
    }

    [Fact]
    public async Task LiveMessagesAcrossTargetsArriveInPositionOrder()
    {
        var silos = await CreateBackplanesAsync(2, new RetentionOptions());
        var client = SseTarget.Client(Unique("c"));
        var group = SseTarget.Group(Unique("g"));
        var sink = await FollowAsync(silos[1], client, group);

        var publishers = Enumerable.Range(0, 4).Select(p => Task.Run(async () =>
        {
            for (var i = 0; i < 50; i++)
            {
                await silos[p % 2].PublishAsync(i % 2 == 0 ? client : group, "message", $"{p}:{i}");
            }
        }));
        await Task.WhenAll(publishers);

        var messages = await sink.TakeAsync(200);
        var positions = messages.Select(m => m.Position).ToList();
        Assert.Equal(positions.Order(), positions);
        Assert.Equal(200, positions.Distinct().Count());
        foreach (var p in Enumerable.Range(0, 4))
        {
            // Each publisher's own events keep its order.
            var own = messages.Where(m => m.Data.StartsWith($"{p}:", StringComparison.Ordinal)).Select(m => int.Parse(m.Data[2..], System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(Enumerable.Range(0, 50), own);
        }
    }

    [Fact]
    public async Task HistoryMergesClientGroupAndBroadcastAfterTheCursorInOrder()
    {
        var silos = await CreateBackplanesAsync(2, new RetentionOptions());
        var client = SseTarget.Client(Unique("c"));
        var group = SseTarget.Group(Unique("g"));
        var before = await silos[0].PublishAsync(client, "message", "before");
        var published = new List<PublishReceipt>();
        foreach (var (target, i) in new[] { client, group, SseTarget.All, client, group }.Select((t, i) => (t, i)))
        {
            published.Add(await silos[i % 2].PublishAsync(target, "message", $"m{i}"));
        }

        var history = await silos[1].ReadHistoryAsync([client, group, SseTarget.All], before.Cursor);

        Assert.True(history.Recovered);
        var ours = history.Events.Where(e => e.Target != SseTarget.All || e.Data == "m2").ToList();
        Assert.Equal(["m0", "m1", "m2", "m3", "m4"], ours.Select(e => e.Data));
        Assert.Equal(published.Select(p => p.Cursor), ours.Select(e => e.Cursor));
        Assert.All(history.Events, e => Assert.True(e.Position > before.Cursor.Position));
    }

    [Fact]
    public async Task GroupHistoryForAMemberStartsAtItsJoinEvenWithAnOlderCursor()
    {
        var silos = await CreateBackplanesAsync(2, new RetentionOptions { MaxEventsPerStream = 2 });
        var client = Unique("c");
        var group = Unique("g");
        var cursor = (await silos[0].PublishAsync(SseTarget.Client(client), "message", "mine")).Cursor;
        foreach (var i in Enumerable.Range(0, 3))
        {
            // Published before the client joined; the first is even trimmed: neither is the client's loss.
            await silos[0].PublishAsync(SseTarget.Group(group), "message", $"before-{i}");
        }

        var joined = await silos[1].AddToGroupAsync(group, client);
        var after = await silos[0].PublishAsync(SseTarget.Group(group), "message", "after");
        await silos[0].AddToGroupAsync(group, client); // joining again keeps the first join position

        var memberships = await silos[1].GetClientMembershipsAsync(client);
        Assert.Equal([new GroupMembership(group, joined)], memberships);
        var joinedAt = memberships.ToDictionary(m => SseTarget.Group(m.Group), m => m.JoinedAt);
        var history = await silos[0].ReadHistoryAsync([SseTarget.Client(client), SseTarget.Group(group)], cursor, joinedAt);

        Assert.True(history.Recovered);
        Assert.Equal([after.Cursor], history.Events.Select(e => e.Cursor));
        Assert.False((await silos[0].ReadHistoryAsync([SseTarget.Group(group)], cursor)).Recovered, "without the join position the trim counts");

        await silos[1].RemoveFromGroupAsync(group, client);
        Assert.Empty(await silos[0].GetClientMembershipsAsync(client));
        var rejoined = await silos[0].AddToGroupAsync(group, client);
        Assert.Equal([new GroupMembership(group, rejoined)], await silos[1].GetClientMembershipsAsync(client));
    }

    [Fact]
    public async Task ConcurrentJoinsWithinALimitNeverPassItTogether()
    {
        var silos = await CreateBackplanesAsync(2, new RetentionOptions());
        var client = Unique("c");
        var sink = await FollowAsync(silos[1], SseTarget.Client(client));
        await silos[0].AddToGroupAsync("kept", client);

        var results = await Task.WhenAll(Enumerable.Range(0, 30).Select(i =>
            silos[i % 2].AddToGroupsWithinLimitAsync(client, [$"g{i}", $"g{i}-b"], maxGroups: 7)));

        Assert.Equal(3, results.Count(r => r.Joined));
        Assert.All(results.Where(r => !r.Joined), r => Assert.True(r.Groups > 7));
        Assert.Equal(7, (await silos[1].GetClientGroupsAsync(client)).Count);
        var again = await silos[0].AddToGroupsWithinLimitAsync(client, ["kept"], maxGroups: 7);
        Assert.Equal(new GroupJoinResult(true, 7), again); // re-joining passes at the limit
        Assert.False((await silos[0].AddToGroupsWithinLimitAsync(client, ["kept", "one-more"], maxGroups: 7)).Joined);
        Assert.Equal(new GroupJoinResult(true, 8), await silos[0].AddToGroupsWithinLimitAsync(client, ["one-more"], maxGroups: 0));

        // Every accepted join was announced, each with the position stored as its join.
        var announced = (await sink.TakeAsync(1 + 6 + 1 + 1)).Where(m => m.Kind == MessageKind.GroupJoined).ToList();
        var memberships = await silos[1].GetClientMembershipsAsync(client);
        Assert.All(memberships, m => Assert.Contains(announced, a => a.Name == m.Group && a.Position == m.JoinedAt));
    }

    [Fact]
    public async Task HistoryListsEachTargetOnceEvenWhenAskedTwice()
    {
        var silos = await CreateBackplanesAsync(1, new RetentionOptions());
        var client = SseTarget.Client(Unique("c"));
        var start = await silos[0].GetCurrentAsync();
        await silos[0].PublishAsync(client, "message", "once");

        var history = await silos[0].ReadHistoryAsync([client, client], start);

        Assert.Equal(["once"], history.Events.Select(e => e.Data));
    }

    [Fact]
    public async Task HistoryTrimmedByCountIsNotRecovered()
    {
        var silos = await CreateBackplanesAsync(2, new RetentionOptions { MaxEventsPerStream = 3 });
        var client = SseTarget.Client(Unique("c"));
        var receipts = new List<PublishReceipt>();
        for (var i = 0; i < 6; i++)
        {
            receipts.Add(await silos[0].PublishAsync(client, "message", $"e{i}"));
        }

        var tooOld = await silos[1].ReadHistoryAsync([client], receipts[0].Cursor);
        Assert.False(tooOld.Recovered);
        Assert.Equal(["e3", "e4", "e5"], tooOld.Events.Select(e => e.Data));

        var recent = await silos[1].ReadHistoryAsync([client], receipts[2].Cursor);
        Assert.True(recent.Recovered);
        Assert.Equal(["e3", "e4", "e5"], recent.Events.Select(e => e.Data));
    }

    [Fact]
    public async Task HistoryBeyondMaxReplayEventsReplaysTheNewestAndIsNotRecovered()
    {
        var silos = await CreateBackplanesAsync(2, new RetentionOptions { MaxReplayEvents = 3 });
        var client = SseTarget.Client(Unique("c"));
        var group = SseTarget.Group(Unique("g"));
        var start = await silos[0].GetCurrentAsync();
        for (var i = 0; i < 5; i++)
        {
            await silos[i % 2].PublishAsync(i % 2 == 0 ? client : group, "message", $"e{i}");
        }

        var tooMany = await silos[1].ReadHistoryAsync([client, group], start);
        Assert.False(tooMany.Recovered);
        Assert.Equal(["e2", "e3", "e4"], tooMany.Events.Select(e => e.Data));

        var justEnough = await silos[1].ReadHistoryAsync([client, group], tooMany.Events[0].Cursor with { Position = tooMany.Events[0].Position - 1 });
        Assert.True(justEnough.Recovered);
        Assert.Equal(["e2", "e3", "e4"], justEnough.Events.Select(e => e.Data));
    }

    [Fact]
    public async Task HistoryBeyondMaxReplayBytesReplaysTheNewestAndIsNotRecovered()
    {
        // Each event below is 1 byte of name + 100 bytes of data: 3 fit in 320 bytes, 4 do not.
        var silos = await CreateBackplanesAsync(2, new RetentionOptions { MaxReplayBytes = 320 });
        var client = SseTarget.Client(Unique("c"));
        var group = SseTarget.Group(Unique("g"));
        var start = await silos[0].GetCurrentAsync();
        for (var i = 0; i < 5; i++)
        {
            await silos[i % 2].PublishAsync(i % 2 == 0 ? client : group, "m", $"e{i}".PadRight(100, '.'));
        }

        var tooMuch = await silos[1].ReadHistoryAsync([client, group], start);
        Assert.False(tooMuch.Recovered);
        Assert.Equal(["e2", "e3", "e4"], tooMuch.Events.Select(e => e.Data.TrimEnd('.')));

        var justEnough = await silos[1].ReadHistoryAsync([client, group], tooMuch.Events[0].Cursor with { Position = tooMuch.Events[0].Position - 1 });
        Assert.True(justEnough.Recovered);
        Assert.Equal(3, justEnough.Events.Count);
    }

    [Fact]
    public async Task HistoryOlderThanMaxAgeIsNotRecovered()
    {
        var maxAge = TimeSpan.FromMinutes(1);
        var clock = NewClock();
        var silos = await CreateBackplanesAsync(1, new RetentionOptions { MaxAge = maxAge }, clock);
        var client = SseTarget.Client(Unique("c"));
        var start = await silos[0].GetCurrentAsync();
        await silos[0].PublishAsync(client, "message", "old");

        // The backplane judges age by its clock: the event is now older than MaxAge.
        clock.Advance(maxAge * 2);
        await silos[0].PublishAsync(client, "message", "new");

        var history = await silos[0].ReadHistoryAsync([client], start);
        Assert.False(history.Recovered);
        Assert.Equal(["new"], history.Events.Select(e => e.Data));
    }

    [Fact]
    public async Task CursorFromAnotherEpochIsNotRecovered()
    {
        var silos = await CreateBackplanesAsync(1, new RetentionOptions());
        var client = SseTarget.Client(Unique("c"));
        await silos[0].PublishAsync(client, "message", "x");

        var history = await silos[0].ReadHistoryAsync([client], new EventCursor("otherepoch", 0));

        Assert.False(history.Recovered);
        Assert.Empty(history.Events);
    }

    [Fact]
    public async Task CursorFromTheFutureIsNotRecovered()
    {
        var silos = await CreateBackplanesAsync(1, new RetentionOptions());
        var current = await silos[0].GetCurrentAsync();

        var history = await silos[0].ReadHistoryAsync([SseTarget.All], current with { Position = current.Position + 1000 });

        Assert.False(history.Recovered);
    }

    [Fact]
    public async Task SilosShareOneEpochAndOneSequence()
    {
        var silos = await CreateBackplanesAsync(2, new RetentionOptions());
        var a = await silos[0].PublishAsync(SseTarget.Client(Unique("c")), "message", "a");
        var b = await silos[1].PublishAsync(SseTarget.Client(Unique("c")), "message", "b");
        var current = await silos[0].GetCurrentAsync();

        Assert.Equal(a.Cursor.Epoch, b.Cursor.Epoch);
        Assert.Equal(a.Cursor.Epoch, current.Epoch);
        Assert.True(b.Cursor.Position > a.Cursor.Position);
        Assert.True(current.Position >= b.Cursor.Position);
    }

    [Fact]
    public async Task ClientIsOnlineOnlyWhileSomeSiloFollowsIt()
    {
        var silos = await CreateBackplanesAsync(2, new RetentionOptions());
        var id = Unique("c");
        Assert.False(await silos[0].IsOnlineAsync(id));

        var subscription = await silos[1].SubscribeAsync(SseTarget.Client(id), _ => { });
        Assert.True(await silos[0].IsOnlineAsync(id));

        await subscription.DisposeAsync();
        Assert.False(await silos[0].IsOnlineAsync(id));
    }

    [Fact]
    public async Task DisconnectIsAnnouncedOnTheClientTarget()
    {
        var silos = await CreateBackplanesAsync(2, new RetentionOptions());
        var id = Unique("c");
        var sink = await FollowAsync(silos[1], SseTarget.Client(id));

        await silos[0].DisconnectAsync(id);

        Assert.Equal(MessageKind.Disconnect, (await sink.NextAsync()).Kind);
    }

    [Fact]
    public async Task NothingArrivesAfterUnsubscribing()
    {
        var silos = await CreateBackplanesAsync(2, new RetentionOptions());
        var (first, second) = (SseTarget.Client(Unique("c")), SseTarget.Client(Unique("d")));
        var sink = new MessageSink();
        var subscription = await silos[1].SubscribeAsync(first, sink.Add);
        await silos[1].SubscribeAsync(second, sink.Add).ContinueWith(t => _subscriptions.Add(t.Result), TaskScheduler.Default);

        await subscription.DisposeAsync();
        await silos[0].PublishAsync(first, "message", "gone");
        await silos[0].PublishAsync(second, "message", "marker");

        Assert.Equal("marker", (await sink.NextAsync()).Data);
        Assert.True(sink.IsEmpty);
    }

    [Fact]
    public async Task CoalesceKeyTravelsLiveAndIsStoredInHistory()
    {
        var silos = await CreateBackplanesAsync(2, new RetentionOptions());
        var client = SseTarget.Client(Unique("c"));
        var group = SseTarget.Group(Unique("g"));
        var sink = await FollowAsync(silos[1], client, group);
        var start = await silos[0].GetCurrentAsync();

        await silos[0].PublishAsync(client, "tick", "1", "price:EUR-USD");
        await silos[0].PublishAsync(group, "tick", "2", "g.k@1");
        await silos[0].PublishAsync(client, "note", "3");

        var live = await sink.TakeAsync(3);
        Assert.Equal(["price:EUR-USD", "g.k@1", null], live.Select(m => m.CoalesceKey));
        var history = await silos[1].ReadHistoryAsync([client, group], start);
        Assert.True(history.Recovered);
        Assert.Equal(live, history.Events);
    }

    [Fact]
    public async Task ResumeReplaysOnlyTheNewestRetainedEventPerKeyAndIsRecovered()
    {
        var silos = await CreateBackplanesAsync(2, new RetentionOptions());
        var clientId = Unique("c");
        var client = SseTarget.Client(clientId);
        var before = await silos[0].GetCurrentAsync();
        foreach (var (data, key) in new (string, string?)[] { ("a1", "a"), ("u1", null), ("b1", "b"), ("a2", "a"), ("u2", null), ("a3", "a") })
        {
            await silos[0].PublishAsync(client, "tick", data, key);
        }

        var metrics = new SseMetrics();
        using var registry = new ConnectionRegistry(
            silos[1], Microsoft.Extensions.Options.Options.Create(new StreamOptions()), metrics, NullLogger<ConnectionRegistry>.Instance);
        var opened = await registry.OpenAsync(clientId, before, CancellationToken.None);
        try
        {
            var replayed = opened.History.Select(f => Encoding.UTF8.GetString(f.Bytes.Span)).ToList();
            Assert.True(opened.Recovered);
            Assert.Equal(["u1", "b1", "u2", "a3"], replayed.Select(text => text.Split("data: ")[1].TrimEnd('\n')));
            var positions = opened.History.Select(f => f.Position).ToList();
            Assert.Equal(positions.Order(), positions);
            Assert.Equal(2, metrics.CoalescedFrames);
        }
        finally
        {
            await registry.CloseAsync(opened.Connection);
        }
    }
}

using OrleansSse.Testing;

namespace OrleansSse.Silo.Tests;

/// <summary>
/// Who receives what. "Nobody else" is proven by order, not by waiting: after the event under
/// test a broadcast marker follows, and a connection that must not get the event sees the marker first.
/// </summary>
public sealed class DeliveryTests
{
    [Fact]
    public async Task SendReachesEveryConnectionOfThatClientAndNobodyElse()
    {
        await using var cluster = await SseTestCluster.StartAsync();
        var api = new SiloApi(cluster.Silos[0].Http);
        await using var alice1 = await cluster.ConnectAsync(0, "alice");
        await using var alice2 = await cluster.ConnectAsync(0, "alice");
        await using var bob = await cluster.ConnectAsync(0, "bob");

        var (id, online) = await api.SendAsync("alice", "for-alice", "note");
        var marker = await api.BroadcastAsync("marker");

        Assert.True(online);
        foreach (var connection in new[] { alice1, alice2 })
        {
            var evt = await connection.NextAsync(Wait.Timeout);
            Assert.Equal(new SseTestEvent("note", "for-alice", id), evt);
            Assert.Equal(marker, (await connection.NextAsync(Wait.Timeout)).Id);
        }

        var first = await bob.NextAsync(Wait.Timeout);
        Assert.Equal(new SseTestEvent("message", "marker", marker), first);
    }

    [Fact]
    public async Task SendToOfflineClientAnswersOnlineFalse()
    {
        await using var cluster = await SseTestCluster.StartAsync();
        var api = new SiloApi(cluster.Silos[0].Http);

        var (id, online) = await api.SendAsync("nobody-here", "x");

        Assert.False(online);
        Assert.True(EventCursor.TryParse(id, out _), $"id '{id}'");
    }

    [Fact]
    public async Task BroadcastReachesEveryConnection()
    {
        await using var cluster = await SseTestCluster.StartAsync();
        var api = new SiloApi(cluster.Silos[0].Http);
        var connections = new List<SseTestConnection>();
        for (var i = 0; i < 4; i++)
        {
            connections.Add(await cluster.ConnectAsync(0, i < 3 ? $"c{i}" : null));
        }

        var id = await api.BroadcastAsync("everyone", "news");

        foreach (var connection in connections)
        {
            Assert.Equal(new SseTestEvent("news", "everyone", id), await connection.NextAsync(Wait.Timeout));
        }
    }

    [Fact]
    public async Task GroupSendReachesExactlyTheMembers()
    {
        await using var cluster = await SseTestCluster.StartAsync();
        var api = new SiloApi(cluster.Silos[0].Http);
        await using var a = await cluster.ConnectAsync(0, "a");
        await using var b = await cluster.ConnectAsync(0, "b");
        await using var c = await cluster.ConnectAsync(0, "c");
        await api.AddToGroupAsync("team", "a");
        await api.AddToGroupAsync("team", "b");

        var id = await api.GroupSendAsync("team", "hello team", "team-news");
        var marker = await api.BroadcastAsync("marker");

        foreach (var member in new[] { a, b })
        {
            Assert.Equal(new SseTestEvent("team-news", "hello team", id), await member.NextAsync(Wait.Timeout));
        }

        Assert.Equal(marker, (await c.NextAsync(Wait.Timeout)).Id);
    }

    [Fact]
    public async Task RemovedMemberNoLongerReceivesGroupSends()
    {
        await using var cluster = await SseTestCluster.StartAsync();
        var api = new SiloApi(cluster.Silos[0].Http);
        await using var a = await cluster.ConnectAsync(0, "a");
        await api.AddToGroupAsync("team", "a");
        await api.GroupSendAsync("team", "before");
        Assert.Equal("before", (await a.NextAsync(Wait.Timeout)).Data);

        await api.RemoveFromGroupAsync("team", "a");
        await api.GroupSendAsync("team", "after");
        var marker = await api.BroadcastAsync("marker");

        Assert.Equal(marker, (await a.NextAsync(Wait.Timeout)).Id);
    }

    [Fact]
    public async Task MemberAddedWhileOfflineReceivesGroupSendsOnceConnected()
    {
        await using var cluster = await SseTestCluster.StartAsync();
        var api = new SiloApi(cluster.Silos[0].Http);
        await api.AddToGroupAsync("night-shift", "owl");

        await using var owl = await cluster.ConnectAsync(0, "owl");
        var id = await api.GroupSendAsync("night-shift", "wake up");

        Assert.Equal(new SseTestEvent("message", "wake up", id), await owl.NextAsync(Wait.Timeout));
    }

    [Fact]
    public async Task GroupsQueryAtConnectJoinsThoseGroups()
    {
        await using var cluster = await SseTestCluster.StartAsync();
        var api = new SiloApi(cluster.Silos[0].Http);
        await using var joiner = await cluster.ConnectAsync(0, "joiner", ["g1", "g2"]);

        var id1 = await api.GroupSendAsync("g1", "one");
        var id2 = await api.GroupSendAsync("g2", "two");

        var events = await joiner.CollectAsync(2, Wait.Timeout);
        Assert.Equal([id1, id2], events.Select(e => e.Id));
        var info = await api.GetJsonAsync("/api/sse/clients/joiner");
        Assert.Equal(["g1", "g2"], info["groups"]!.AsArray().Select(g => g!.GetValue<string>()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task GroupAndClientInfoEndpointsDescribeMembershipAndPresence()
    {
        await using var cluster = await SseTestCluster.StartAsync();
        var api = new SiloApi(cluster.Silos[0].Http);
        await api.AddToGroupAsync("team", "zed");
        await api.AddToGroupAsync("team", "amy");
        await api.AddToGroupAsync("other", "amy");
        await using var amy = await cluster.ConnectAsync(0, "amy");

        var group = await api.GetJsonAsync("/api/sse/groups/team");
        Assert.Equal("team", group["group"]!.GetValue<string>());
        Assert.Equal(["amy", "zed"], group["clients"]!.AsArray().Select(c => c!.GetValue<string>()));

        var amyInfo = await api.GetJsonAsync("/api/sse/clients/amy");
        Assert.Equal("amy", amyInfo["client_id"]!.GetValue<string>());
        Assert.True(amyInfo["online"]!.GetValue<bool>());
        Assert.Equal(["other", "team"], amyInfo["groups"]!.AsArray().Select(g => g!.GetValue<string>()).Order(StringComparer.Ordinal));

        var zedInfo = await api.GetJsonAsync("/api/sse/clients/zed");
        Assert.False(zedInfo["online"]!.GetValue<bool>());

        var empty = await api.GetJsonAsync("/api/sse/groups/empty");
        Assert.Empty(empty["clients"]!.AsArray());
    }

    [Fact]
    public async Task ClientGoesOfflineWhenItsLastConnectionCloses()
    {
        await using var cluster = await SseTestCluster.StartAsync();
        var api = new SiloApi(cluster.Silos[0].Http);
        var amy = await cluster.ConnectAsync(0, "amy");
        Assert.True((await api.GetJsonAsync("/api/sse/clients/amy"))["online"]!.GetValue<bool>());

        await amy.DisposeAsync();

        await Wait.UntilAsync(
            async () => !(await api.GetJsonAsync("/api/sse/clients/amy"))["online"]!.GetValue<bool>(),
            "amy offline after her only connection closed");
    }

    [Fact]
    public async Task ClusterClientGrainsPublishToHttpConnections()
    {
        await using var cluster = await SseTestCluster.StartAsync();
        await using var amy = await cluster.ConnectAsync(0, "amy");

        var result = await cluster.Client.GetClient("amy").SendAsync(new SseEvent("note", "via grain"));

        Assert.True(result.Online);
        Assert.Equal(new SseTestEvent("note", "via grain", result.Id), await amy.NextAsync(Wait.Timeout));
    }

    [Fact]
    public async Task ConcurrentPublishersDeliverEveryEventOnceInIdOrder()
    {
        await using var cluster = await SseTestCluster.StartAsync(new SseTestClusterOptions { Silos = 2 });
        await using var target = await cluster.ConnectAsync(1, "target", ["g"]);

        var publishers = Enumerable.Range(0, 4).Select(p => Task.Run(async () =>
        {
            var api = new SiloApi(cluster.Silos[p % 2].Http);
            var ids = new List<string>();
            for (var i = 0; i < 25; i++)
            {
                ids.Add(i % 2 == 0 ? (await api.SendAsync("target", $"p{p}-{i}")).Id : await api.GroupSendAsync("g", $"p{p}-{i}"));
            }

            return ids;
        })).ToArray();
        var sent = (await Task.WhenAll(publishers)).SelectMany(ids => ids).ToList();

        var received = await target.CollectAsync(sent.Count, Wait.Timeout);
        var positions = received.Select(e => EventCursor.TryParse(e.Id, out var c) ? c.Position : -1).ToList();
        Assert.Equal(positions.Order(), positions);
        Assert.Equal(sent.Order(StringComparer.Ordinal), received.Select(e => e.Id!).Order(StringComparer.Ordinal));
    }
}

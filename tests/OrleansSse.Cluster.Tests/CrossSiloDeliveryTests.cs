using OrleansSse.Redis.Tests;
using OrleansSse.Testing;

namespace OrleansSse.Cluster.Tests;

/// <summary>Three silos on one real redis-server: a message reaches whichever silo holds the connection.</summary>
public sealed class CrossSiloDeliveryTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    [Fact]
    public async Task SendOnSiloOneReachesTheClientOnSiloThree()
    {
        await using var cluster = await RedisCluster.StartAsync(redis);
        var clientId = Wait.Unique("far");
        await using var client = await cluster.ConnectAsync(2, clientId);

        var (id, online) = await new SiloApi(cluster.Silos[0].Http).SendAsync(clientId, "across", "note");

        Assert.True(online, "the client is connected to silo 3, so the send on silo 1 sees it online");
        Assert.Equal(new SseTestEvent("note", "across", id), await client.NextAsync(Wait.Timeout));
    }

    [Fact]
    public async Task GroupWithMembersOnThreeSilosReceivesAGroupSendOncePerMember()
    {
        await using var cluster = await RedisCluster.StartAsync(redis);
        var group = Wait.Unique("team");
        var members = new List<SseTestConnection>();
        for (var silo = 0; silo < 3; silo++)
        {
            members.Add(await cluster.ConnectAsync(silo, Wait.Unique($"m{silo}"), groups: [group]));
        }

        // Joined over HTTP on another silo than the one holding the stream.
        var late = Wait.Unique("late");
        members.Add(await cluster.ConnectAsync(0, late));
        await new SiloApi(cluster.Silos[2].Http).AddToGroupAsync(group, late);
        await using var outsider = await cluster.ConnectAsync(1, Wait.Unique("outsider"));

        var sent = await new SiloApi(cluster.Silos[1].Http).GroupSendAsync(group, "to-team", "grp");
        var marker = await new SiloApi(cluster.Silos[0].Http).BroadcastAsync("marker", "end");

        foreach (var member in members)
        {
            // The marker right after the group event proves it came once.
            Assert.Equal(
                [new SseTestEvent("grp", "to-team", sent), new SseTestEvent("end", "marker", marker)],
                await member.CollectAsync(2, Wait.Timeout));
        }

        Assert.Equal(new SseTestEvent("end", "marker", marker), await outsider.NextAsync(Wait.Timeout));
        var listed = await new SiloApi(cluster.Silos[0].Http).GetJsonAsync($"/api/sse/groups/{group}");
        Assert.Equal(4, listed["clients"]!.AsArray().Count);
    }

    [Fact]
    public async Task BroadcastReachesEveryConnectionOnEverySiloOnce()
    {
        await using var cluster = await RedisCluster.StartAsync(redis);
        var connections = new List<SseTestConnection>();
        for (var silo = 0; silo < 3; silo++)
        {
            connections.Add(await cluster.ConnectAsync(silo, Wait.Unique($"a{silo}")));
            connections.Add(await cluster.ConnectAsync(silo, Wait.Unique($"b{silo}")));
        }

        var first = await new SiloApi(cluster.Silos[2].Http).BroadcastAsync("everyone", "news");
        var second = await new SiloApi(cluster.Silos[0].Http).BroadcastAsync("again", "news");

        foreach (var connection in connections)
        {
            Assert.Equal(
                [new SseTestEvent("news", "everyone", first), new SseTestEvent("news", "again", second)],
                await connection.CollectAsync(2, Wait.Timeout));
        }
    }

    [Fact]
    public async Task PerClientOrderIsPreservedAcrossSilosUnderConcurrentPublishers()
    {
        const int perPublisher = 40;
        await using var cluster = await RedisCluster.StartAsync(redis);
        var clientId = Wait.Unique("ordered");
        await using var client = await cluster.ConnectAsync(1, clientId);

        // Three publishers, one per silo's HTTP API, all at once.
        var publishers = Enumerable.Range(0, 3).Select(silo => Task.Run(async () =>
        {
            var api = new SiloApi(cluster.Silos[silo].Http);
            var ids = new List<string>(perPublisher);
            for (var i = 0; i < perPublisher; i++)
            {
                ids.Add((await api.SendAsync(clientId, $"p{silo}-{i}")).Id);
            }

            return ids;
        })).ToArray();
        var published = await Task.WhenAll(publishers).WaitAsync(Wait.Timeout * 2);

        var received = await client.CollectAsync(3 * perPublisher, Wait.Timeout);

        // Every event once; positions strictly increase; each publisher's events in its own order.
        var positions = received.Select(e => EventCursor.TryParse(e.Id!, out var c) ? c.Position : -1).ToList();
        Assert.Equal(positions.Order(), positions);
        Assert.Equal(positions.Count, positions.Distinct().Count());
        Assert.Equal(published.SelectMany(ids => ids).Order(StringComparer.Ordinal), received.Select(e => e.Id!).Order(StringComparer.Ordinal));
        for (var silo = 0; silo < 3; silo++)
        {
            var prefix = $"p{silo}-";
            Assert.Equal(
                Enumerable.Range(0, perPublisher).Select(i => prefix + i),
                received.Select(e => e.Data).Where(d => d.StartsWith(prefix, StringComparison.Ordinal)));
            Assert.Equal(published[silo], received.Where(e => e.Data.StartsWith(prefix, StringComparison.Ordinal)).Select(e => e.Id));
        }
    }
}

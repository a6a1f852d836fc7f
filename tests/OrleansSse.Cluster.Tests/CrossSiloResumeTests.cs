using OrleansSse.Redis.Tests;
using OrleansSse.Testing;

namespace OrleansSse.Cluster.Tests;

/// <summary>
/// A client loses its silo and resumes on another with its <c>Last-Event-ID</c>: everything it
/// missed — direct, group, broadcast — arrives once, in order, then live events.
/// </summary>
public sealed class CrossSiloResumeTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    [Fact]
    public async Task ClientCutOffFromSiloOneResumesOnSiloTwoWithEverythingItMissed()
    {
        await using var cluster = await RedisCluster.StartAsync(redis);
        await RunAsync(cluster, loseConnection: first => first.DisposeAsync().AsTask());
    }

    [Fact]
    public async Task ClientOfAKilledSiloOneResumesOnSiloTwoWithEverythingItMissed()
    {
        await using var cluster = await RedisCluster.StartAsync(redis);
        await RunAsync(cluster, loseConnection: async first =>
        {
            await cluster.KillSiloAsync(0);
            await Wait.ClosedAsync(first, "its silo was killed");
        });
        Assert.False(cluster.Silos[0].IsRunning);
    }

    // The client is on silo 1 (index 0) and resumes on silo 2 (index 1); silo 3 publishes.
    private static async Task RunAsync(SseTestCluster cluster, Func<SseTestConnection, Task> loseConnection)
    {
        var clientId = Wait.Unique("r");
        var group = Wait.Unique("g");
        var api = new SiloApi(cluster.Silos[2].Http);
        await api.AddToGroupAsync(group, clientId);
        var first = await cluster.ConnectAsync(0, clientId);
        var seen = new List<SseTestEvent>
        {
            new("direct", "seen-d", (await api.SendAsync(clientId, "seen-d", "direct")).Id),
            new("grp", "seen-g", await api.GroupSendAsync(group, "seen-g", "grp")),
            new("all", "seen-b", await api.BroadcastAsync("seen-b", "all")),
        };
        Assert.Equal(seen, await first.CollectAsync(seen.Count, Wait.Timeout));
        var lastId = first.LastEventId!;
        Assert.Equal(seen[^1].Id, lastId);

        await loseConnection(first);

        var missed = new List<SseTestEvent>
        {
            new("direct", "d1", (await api.SendAsync(clientId, "d1", "direct")).Id),
            new("grp", "g1", await api.GroupSendAsync(group, "g1", "grp")),
            new("all", "b1", await api.BroadcastAsync("b1", "all")),
            new("direct", "d2", (await api.SendAsync(clientId, "d2", "direct")).Id),
            new("all", "b2", await api.BroadcastAsync("b2", "all")),
            new("grp", "g2", await api.GroupSendAsync(group, "g2", "grp")),
        };
        await api.SendAsync(Wait.Unique("someone-else"), "not for r");
        await api.GroupSendAsync(Wait.Unique("other-group"), "not for r");

        await using var resumed = await cluster.ConnectAsync(1, clientId, lastEventId: lastId);

        Assert.True(resumed.Connected!.Recovered, "recovered should be true");
        Assert.Equal(clientId, resumed.Connected.ClientId);
        Assert.Equal(missed, await resumed.CollectAsync(missed.Count, Wait.Timeout));

        // Then live, from every silo still running; nothing replayed twice in between.
        var live = new List<SseTestEvent>();
        foreach (var silo in cluster.Silos.Where(s => s.IsRunning))
        {
            var siloApi = new SiloApi(silo.Http);
            live.Add(new("direct", "live-" + silo.Name, (await siloApi.SendAsync(clientId, "live-" + silo.Name, "direct")).Id));
            live.Add(new("grp", "live-g-" + silo.Name, await siloApi.GroupSendAsync(group, "live-g-" + silo.Name, "grp")));
        }

        Assert.Equal(live, await resumed.CollectAsync(live.Count, Wait.Timeout));
    }
}

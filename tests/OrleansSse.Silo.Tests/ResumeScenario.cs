using OrleansSse.Testing;

namespace OrleansSse.Silo.Tests;

/// <summary>
/// The resume scenario shared by single- and multi-silo tests: client <c>r</c> in group <c>g</c>
/// receives an event, loses its connection, misses direct, group and broadcast events
/// (interleaved, published on <c>publishSilo</c>), and reconnects with its last id.
/// </summary>
internal static class ResumeScenario
{
    public static async Task RunAsync(
        SseTestCluster cluster, int publishSilo, int firstSilo, int resumeSilo, Func<string, Task<SseTestConnection>> reconnect,
        Func<Task>? loseConnection = null)
    {
        var api = new SiloApi(cluster.Silos[publishSilo].Http);
        await api.AddToGroupAsync("g", "r");
        var first = await cluster.ConnectAsync(firstSilo, "r");
        var (seen, _) = await api.SendAsync("r", "seen");
        await api.BroadcastAsync("seen-broadcast");
        var received = await first.CollectAsync(2, Wait.Timeout);
        var lastId = received[1].Id!;
        Assert.Equal(lastId, first.LastEventId);
        Assert.Equal(seen, received[0].Id);

        if (loseConnection is null)
        {
            await first.DisposeAsync();
        }
        else
        {
            await loseConnection();
            await first.Closed.WaitAsync(Wait.Timeout);
        }

        var missed = new List<SseTestEvent>
        {
            new("direct", "d1", (await api.SendAsync("r", "d1", "direct")).Id),
            new("grp", "g1", await api.GroupSendAsync("g", "g1", "grp")),
            new("all", "b1", await api.BroadcastAsync("b1", "all")),
            new("direct", "d2", (await api.SendAsync("r", "d2", "direct")).Id),
            new("all", "b2", await api.BroadcastAsync("b2", "all")),
            new("grp", "g2", await api.GroupSendAsync("g", "g2", "grp")),
        };
        await api.SendAsync("someone-else", "not for r");
        await api.GroupSendAsync("other-group", "not for r");

        await using var resumed = await reconnect(lastId);

        Assert.True(resumed.Connected!.Recovered, "recovered should be true");
        Assert.Equal("r", resumed.Connected.ClientId);
        var replayed = await resumed.CollectAsync(missed.Count, Wait.Timeout);
        Assert.Equal(missed, replayed);

        var (live, _) = await new SiloApi(cluster.Silos[resumeSilo].Http).SendAsync("r", "live", "direct");
        Assert.Equal(new SseTestEvent("direct", "live", live), await resumed.NextAsync(Wait.Timeout));
    }
}

using OrleansSse.Redis.Tests;
using OrleansSse.Testing;

namespace OrleansSse.Cluster.Tests;

/// <summary>
/// <c>DELETE /api/sse/groups/{group}/clients/{client_id}</c> changes the client's open streams on
/// every silo (README API table), as <c>PUT</c> does: removed on one silo while its stream is on
/// another, the client gets no more of the group's events.
/// </summary>
public sealed class CrossSiloGroupRemovalTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    [Fact]
    public async Task AMemberRemovedOnOneSiloStopsGettingTheGroupOnTheSiloHoldingItsStream()
    {
        await using var cluster = await RedisCluster.StartAsync(redis, silos: 3);
        var group = Wait.Unique("team");
        var leaving = Wait.Unique("leaving");
        var staying = Wait.Unique("staying");
        await using var leaver = await cluster.ConnectAsync(0, leaving, groups: [group]);
        await using var stayer = await cluster.ConnectAsync(0, staying, groups: [group]);
        var publisher = new SiloApi(cluster.Silos[2].Http);

        var before = new SseTestEvent("grp", "before", await publisher.GroupSendAsync(group, "before", "grp"));
        Assert.Equal(before, await leaver.NextAsync(Wait.Timeout));
        Assert.Equal(before, await stayer.NextAsync(Wait.Timeout));

        await new SiloApi(cluster.Silos[1].Http).RemoveFromGroupAsync(group, leaving);
        var after = new SseTestEvent("grp", "after", await publisher.GroupSendAsync(group, "after", "grp"));
        var marker = new SseTestEvent("end", "marker", await publisher.BroadcastAsync("marker", "end"));

        Assert.Equal(marker, await leaver.NextAsync(Wait.Timeout));
        Assert.Equal([after, marker], await stayer.CollectAsync(2, Wait.Timeout));
        var members = (await publisher.GetJsonAsync($"/api/sse/groups/{group}"))["clients"]!.AsArray().Select(c => c!.GetValue<string>());
        Assert.Equal([staying], members);
    }
}

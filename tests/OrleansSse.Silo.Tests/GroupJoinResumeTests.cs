using OrleansSse.Testing;

namespace OrleansSse.Silo.Tests;

/// <summary>A client resuming after being added to a group gets the group's events from its join on, never older ones.</summary>
public sealed class GroupJoinResumeTests
{
    [Fact]
    public async Task ResumeAfterJoiningAGroupReplaysOnlyTheGroupsEventsPublishedSinceTheJoin()
    {
        await using var cluster = await SseTestCluster.StartAsync();
        var api = new SiloApi(cluster.Silos[0].Http);
        string cursor;
        await using (var first = await cluster.ConnectAsync(0, "joiner"))
        {
            cursor = (await api.SendAsync("joiner", "seen")).Id;
            Assert.Equal(cursor, (await first.NextAsync(TimeSpan.FromSeconds(10))).Id);
        }

        await api.GroupSendAsync("room", "before the join");
        await api.AddToGroupAsync("room", "joiner");
        var sinceJoin = await api.GroupSendAsync("room", "after the join");
        var (direct, _) = await api.SendAsync("joiner", "direct");

        await using var resumed = await cluster.ConnectAsync(0, "joiner", lastEventId: cursor);

        Assert.True(resumed.Connected!.Recovered);
        var replayed = await resumed.CollectAsync(2, TimeSpan.FromSeconds(10));
        Assert.Equal([("after the join", sinceJoin), ("direct", direct)], replayed.Select(e => (e.Data, e.Id)));
        var marker = await api.BroadcastAsync("marker");
        Assert.Equal(marker, (await resumed.NextAsync(TimeSpan.FromSeconds(10))).Id);
    }
}

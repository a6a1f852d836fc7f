using OrleansSse.Testing;

namespace OrleansSse.Client.Tests;

/// <summary>
/// Shows that a client library passed an event's coalesce key to the cluster: the key is not on
/// the wire to browsers, but a resume replays only the newest event per key.
/// </summary>
internal static class CoalesceKeyCheck
{
    public static async Task ResumeReplaysOnlyTheNewestPerKeyAsync(ISseCluster cluster, SseTestCluster silos, int siloIndex)
    {
        var id = Ids.New("ticker");
        var grain = cluster.GetClient(id);
        var before = await grain.SendAsync(SseEvent.Message("before"));
        await grain.SendAsync(new SseEvent("tick", "p1") { CoalesceKey = "price" });
        var unkeyed = await grain.SendAsync(new SseEvent("note", "n1"));
        var latest = await grain.SendAsync(new SseEvent("tick", "p2") { CoalesceKey = "price" });
        await Assert.ThrowsAsync<ArgumentException>(() => grain.SendAsync(new SseEvent("tick", "x") { CoalesceKey = "bad key" }));

        await using var stream = await silos.ConnectAsync(siloIndex, id, lastEventId: before.Id);
        var replayed = await stream.CollectAsync(2, Ids.Timeout);

        Assert.True(stream.Connected!.Recovered);
        Assert.Equal([("n1", unkeyed.Id), ("p2", latest.Id)], replayed.Select(e => (e.Data, e.Id)));
    }
}

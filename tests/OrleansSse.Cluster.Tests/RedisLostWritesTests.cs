using OrleansSse.Redis.Tests;
using OrleansSse.Testing;

namespace OrleansSse.Cluster.Tests;

/// <summary>
/// Redis restarts from an older snapshot (its own redis-server, appendonly no): the epoch key
/// survives but the position counter goes back, as after a crash under <c>appendfsync everysec</c>.
/// The silos saw the lost positions, so they start a new epoch: nothing is skipped silently.
/// </summary>
public sealed class RedisLostWritesTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    [Fact]
    public async Task RedisLosingItsLastWritesStartsANewEpochSoResumesAreNotRecoveredAndNoIdIsReused()
    {
        await using var cluster = await RedisCluster.StartAsync(redis, silos: 2);
        var api = new SiloApi(cluster.Silos[1].Http);
        var (ahead, behind) = (Wait.Unique("ahead"), Wait.Unique("behind"));
        var aheadStream = await cluster.ConnectAsync(0, ahead);
        var behindStream = await cluster.ConnectAsync(1, behind);
        var (keptId, _) = await api.SendAsync(ahead, "kept");
        Assert.Equal(keptId, (await aheadStream.NextAsync(Wait.Timeout)).Id);

        // Point A: the snapshot Redis will come back with. Everything after it is lost.
        redis.Save();
        var lost = new[] { (await api.SendAsync(ahead, "lost-1")).Id, (await api.SendAsync(ahead, "lost-2")).Id };
        Assert.Equal(lost, (await aheadStream.CollectAsync(2, Wait.Timeout)).Select(e => e.Id));
        await redis.StopWithoutSavingAsync();
        await redis.StartAsync();

        // Caught up after the outage as after Redis lost all its data: the streams are ended.
        await Wait.ClosedAsync(aheadStream, "positions it saw were lost, so it must resume");
        await Wait.ClosedAsync(behindStream, "a new epoch started, so its positions mean nothing any more");
        await Health.UntilAllAsync(cluster, "healthy");

        await using var resumed = await cluster.ConnectAsync(1, ahead, lastEventId: aheadStream.LastEventId);
        await using var resumedBehind = await cluster.ConnectAsync(0, behind, lastEventId: keptId);
        Assert.False(resumed.Connected!.Recovered, "events past the snapshot were lost");
        Assert.False(resumedBehind.Connected!.Recovered, "cursors from before the new epoch cannot be recovered");

        var (newId, _) = await api.SendAsync(ahead, "new");
        var broadcastId = await api.BroadcastAsync("everyone");
        Assert.Equal([("new", newId), ("everyone", broadcastId)], (await resumed.CollectAsync(2, Wait.Timeout)).Select(e => (e.Data, e.Id)));
        var behindNext = await resumedBehind.NextAsync(Wait.Timeout);
        Assert.Equal(("everyone", broadcastId), (behindNext.Data, behindNext.Id));

        // No id stands for two different events, on any stream.
        var seen = new[] { aheadStream, behindStream, resumed, resumedBehind }.SelectMany(s => s.Received).ToList();
        foreach (var sameId in seen.GroupBy(e => e.Id))
        {
            Assert.Single(sameId.Select(e => e.Data).Distinct());
        }

        Assert.DoesNotContain(newId, lost.Append(keptId));
        Assert.True(EventCursor.TryParse(keptId, out var before) && EventCursor.TryParse(newId, out var after) && before.Epoch != after.Epoch,
            $"a new epoch starts: {keptId} then {newId}");
    }
}

using OrleansSse.Redis.Tests;

namespace OrleansSse.Cluster.Tests;

/// <summary>
/// Redis comes back empty (its own redis-server): history is gone, so a new epoch starts. Open
/// streams cannot be caught up and are ended, so their clients resume; a client resuming with an
/// old <c>Last-Event-ID</c> is told in-band: <c>"recovered": false</c>.
/// </summary>
public sealed class RedisRestartWithoutDataTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    [Fact]
    public async Task RedisRestartedWithoutItsDataEndsOpenStreamsAndResumesAreNotRecovered()
    {
        await using var cluster = await RedisCluster.StartAsync(redis);
        var clientId = Wait.Unique("c");
        var api = new SiloApi(cluster.Silos[2].Http);
        var open = await cluster.ConnectAsync(0, clientId);
        var (oldId, _) = await api.SendAsync(clientId, "before");
        Assert.Equal(oldId, (await open.NextAsync(Wait.Timeout)).Id);

        await redis.RestartAsync(keepData: false);

        await Wait.ClosedAsync(open, "its history is gone, so it must resume");
        await Health.UntilAllAsync(cluster, "healthy");
        await using var resumed = await cluster.ConnectAsync(1, clientId, lastEventId: open.LastEventId);

        Assert.False(resumed.Connected!.Recovered, "history was lost with Redis's data");
        var (newId, _) = await api.SendAsync(clientId, "after");
        var next = await resumed.NextAsync(Wait.Timeout);
        Assert.Equal(("after", newId), (next.Data, next.Id));
        Assert.True(EventCursor.TryParse(oldId, out var oldCursor) && EventCursor.TryParse(newId, out var newCursor) && oldCursor.Epoch != newCursor.Epoch,
            $"a new epoch starts: {oldId} then {newId}");
    }

    [Fact]
    public async Task RedisLosingItsDataWhileSilosStaySubscribedEndsStreamsAtTheFirstEventOfTheNewEpoch()
    {
        await using var cluster = await RedisCluster.StartAsync(redis);
        var clientId = Wait.Unique("c");
        var api = new SiloApi(cluster.Silos[1].Http);
        var open = await cluster.ConnectAsync(0, clientId);
        var (oldId, _) = await api.SendAsync(clientId, "before");
        Assert.Equal(oldId, (await open.NextAsync(Wait.Timeout)).Id);

        // No restart, no reconnect: the data just goes (FLUSHALL), so the sequence starts again
        // under a new epoch while the silos' subscriptions stay up.
        redis.Send("FLUSHALL");
        var (newId, _) = await api.SendAsync(clientId, "after the flush");

        await Wait.ClosedAsync(open, "its positions belong to the lost epoch, so it must resume");
        await using var resumed = await cluster.ConnectAsync(1, clientId, lastEventId: open.LastEventId);
        Assert.False(resumed.Connected!.Recovered, "history was lost with Redis's data");
        Assert.True(EventCursor.TryParse(oldId, out var oldCursor) && EventCursor.TryParse(newId, out var newCursor) && oldCursor.Epoch != newCursor.Epoch,
            $"a new epoch starts: {oldId} then {newId}");
    }
}

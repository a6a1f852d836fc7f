using OrleansSse.Redis.Tests;
using OrleansSse.Testing;

namespace OrleansSse.Cluster.Tests;

/// <summary>
/// <see cref="SseTestCluster"/>'s own promises on Redis: its <see cref="SseTestCluster.Client"/>
/// outlives every silo, and clusters sharing one Redis stay apart unless told to share.
/// </summary>
public sealed class TestClusterOnRedisTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Client_KeepsWorkingAfterSiloZeroIsKilledOrStopped(bool kill)
    {
        await using var cluster = await RedisCluster.StartAsync(redis, silos: 2);
        var clientId = Wait.Unique("c");
        await using var onSilo1 = await cluster.ConnectAsync(1, clientId);

        await (kill ? cluster.KillSiloAsync(0) : cluster.StopSiloAsync(0));
        var sent = await cluster.Client.GetClient(clientId).SendAsync(SseEvent.Message("after silo 0 went"));

        Assert.True(sent.Online);
        Assert.Equal(("after silo 0 went", sent.Id), Pair(await onSilo1.NextAsync(Wait.Timeout)));
        Assert.Equal([], await cluster.Client.GetGroup(Wait.Unique("g")).GetMembersAsync());
    }

    [Fact]
    public async Task ClustersOnOneRedis_WithoutAPrefix_NeverSeeEachOthersEvents()
    {
        await using var first = await SseTestCluster.StartAsync(new SseTestClusterOptions { Backplane = SseTestBackplane.Redis(redis.Configuration) });
        await using var second = await SseTestCluster.StartAsync(new SseTestClusterOptions { Backplane = SseTestBackplane.Redis(redis.Configuration) });
        await using var listener = await second.ConnectAsync(0, "same-client");

        await first.Client.GetBroadcast().SendAsync(SseEvent.Message("first's broadcast"));
        await first.Client.GetClient("same-client").SendAsync(SseEvent.Message("first's direct send"));
        var marker = await second.Client.GetBroadcast().SendAsync(SseEvent.Message("second's marker"));

        Assert.NotEqual(first.KeyPrefix, second.KeyPrefix);
        Assert.Equal(("second's marker", marker.Id), Pair(await listener.NextAsync(Wait.Timeout)));
    }

    [Fact]
    public async Task ClustersGivenTheSameKeyPrefix_ShareEvents()
    {
        var prefix = Wait.Unique("shared");
        await using var first = await SseTestCluster.StartAsync(new SseTestClusterOptions { Backplane = SseTestBackplane.Redis(redis.Configuration, prefix) });
        await using var second = await SseTestCluster.StartAsync(new SseTestClusterOptions { Backplane = SseTestBackplane.Redis(redis.Configuration, prefix) });
        await using var listener = await second.ConnectAsync(0, Wait.Unique("c"));

        var sent = await first.Client.GetBroadcast().SendAsync(SseEvent.Message("across clusters"));

        Assert.Equal((prefix, prefix), (first.KeyPrefix, second.KeyPrefix));
        Assert.Equal(("across clusters", sent.Id), Pair(await listener.NextAsync(Wait.Timeout)));
    }

    private static (string Data, string? Id) Pair(SseTestEvent evt) => (evt.Data, evt.Id);
}

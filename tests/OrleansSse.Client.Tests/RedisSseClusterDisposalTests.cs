using Microsoft.Extensions.DependencyInjection;
using OrleansSse.Redis.Tests;

namespace OrleansSse.Client.Tests;

/// <summary>
/// A Redis-mode client is disposed like any other service (synchronously too), and a disposed one
/// says so instead of blaming Redis.
/// </summary>
public sealed class RedisSseClusterDisposalTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    [Fact]
    public async Task ServiceProviderDisposedSynchronously_ClosesTheRedisConnection()
    {
        ISseCluster cluster;
        using (var services = new ServiceCollection().AddOrleansSseClient(o => o.UseRedis(redis.Configuration, Ids.New("dispose"))).Services.BuildServiceProvider())
        {
            cluster = services.GetRequiredService<ISseCluster>();
            await cluster.GetBroadcast().SendAsync(SseEvent.Message("while open"));
        }

        Assert.False(Assert.IsType<RedisSseCluster>(cluster).Health.Healthy);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => cluster.GetBroadcast().SendAsync(SseEvent.Message("after dispose")));
    }

    [Fact]
    public async Task AfterDisposeAsync_EveryOperationThrowsObjectDisposed_NotBackplaneUnavailable()
    {
        var cluster = await RedisSseCluster.ConnectAsync(redis.CreateOptions(Ids.New("dispose")));
        await cluster.PingAsync();

        await cluster.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => cluster.GetClient("alice").SendAsync(SseEvent.Message("x")));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => cluster.GetClient("alice").GetInfoAsync());
        await Assert.ThrowsAsync<ObjectDisposedException>(() => cluster.GetGroup("team").AddAsync("alice"));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => cluster.GetGroup("team").GetMembersAsync());
        await Assert.ThrowsAsync<ObjectDisposedException>(() => cluster.GetBroadcast().SendAsync(SseEvent.Message("x")));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => cluster.PingAsync());
    }

    [Fact]
    public async Task DisposedBeforeTheFirstConnectionEnds_DoesNotBlock_AndRefusesOperations()
    {
        var cluster = new RedisSseCluster(redis.CreateOptions(Ids.New("dispose")));

        cluster.Dispose();
        cluster.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => cluster.GetBroadcast().SendAsync(SseEvent.Message("x")));
    }
}

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OrleansSse.Redis.Tests;
using OrleansSse.Testing;

namespace OrleansSse.Client.Tests;

/// <summary>Both client modes when the cluster's Redis is down: <see cref="BackplaneUnavailableException"/>, never a silent drop.</summary>
public sealed class BackplaneDownTests
{
    [Fact]
    public async Task RedisCluster_RedisStopped_ThrowsBackplaneUnavailable()
    {
        await using var redis = new RedisServerFixture();
        await redis.StartAsync();
        await using var cluster = await RedisSseCluster.ConnectAsync(redis.CreateOptions());
        await cluster.GetBroadcast().SendAsync(SseEvent.Message("while up"));

        await redis.StopAsync(keepData: false);

        await Assert.ThrowsAsync<BackplaneUnavailableException>(() => cluster.GetBroadcast().SendAsync(SseEvent.Message("while down")));
    }

    [Fact]
    public async Task HttpCluster_SiloAnswers503_ThrowsBackplaneUnavailable()
    {
        await using var redis = new RedisServerFixture();
        await redis.StartAsync();
        await using var silos = await SseTestCluster.StartAsync(new SseTestClusterOptions { Backplane = SseTestBackplane.Redis(redis.Configuration) });
        using var http = new HttpClient { BaseAddress = silos.Silos[0].BaseAddress };
        var cluster = new HttpSseCluster(http);
        await cluster.GetBroadcast().SendAsync(SseEvent.Message("while up"));

        await redis.StopAsync(keepData: false);

        var ex = await Assert.ThrowsAsync<BackplaneUnavailableException>(() => cluster.GetClient("alice").SendAsync(SseEvent.Message("while down")));
        Assert.Contains("503", ex.Message, StringComparison.Ordinal);
        Assert.NotNull(ex.RetryAfter);
        Assert.True(ex.RetryAfter > TimeSpan.Zero, $"Retry-After {ex.RetryAfter}");
        await Assert.ThrowsAsync<BackplaneUnavailableException>(() => cluster.GetGroup("team").GetMembersAsync());
    }

    [Fact]
    public async Task HttpCluster_RedisHung_DefaultTimeoutOutlastsTheSilosBound_SoItThrowsBackplaneUnavailable()
    {
        await using var redis = new RedisServerFixture();
        await redis.StartAsync();
        await using var silos = await SseTestCluster.StartAsync(new SseTestClusterOptions { Backplane = SseTestBackplane.Redis(redis.Configuration) });
        await using var services = new ServiceCollection()
            .AddOrleansSseClient(o => o.UseHttp(silos.Silos[0].BaseAddress))
            .Services.BuildServiceProvider();
        var cluster = services.GetRequiredService<ISseCluster>();
        await cluster.GetBroadcast().SendAsync(SseEvent.Message("while up"));

        await redis.SetPausedAsync(true);
        try
        {
            // The silo gives up on Redis after its 5 s bound and answers 503; the client must still be waiting.
            var ex = await Assert.ThrowsAsync<BackplaneUnavailableException>(() => cluster.GetBroadcast().SendAsync(SseEvent.Message("while hung")));
            Assert.Contains("503", ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            await redis.SetPausedAsync(false);
        }
    }

    [Fact]
    public async Task HostStartsWhileRedisIsDown_AndOperationsFailUntilItIsBack()
    {
        await using var redis = new RedisServerFixture();
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddOrleansSseClient(o =>
        {
            o.UseRedis(redis.Configuration);
            o.OperationTimeout = TimeSpan.FromSeconds(1);
        });
        using var host = builder.Build();

        await host.StartAsync().WaitAsync(Ids.Timeout);
        var cluster = host.Services.GetRequiredService<ISseCluster>();
        await Assert.ThrowsAsync<BackplaneUnavailableException>(() => cluster.GetBroadcast().SendAsync(SseEvent.Message("down")));

        await redis.StartAsync();
        var sent = await PublishOnceBackAsync(cluster);
        Assert.True(EventCursor.TryParse(sent.Id, out _));
        await host.StopAsync();
    }

    /// <summary>Retries a publish until Redis answers (the client reconnects by itself), failing after the test timeout.</summary>
    private static async Task<PublishResult> PublishOnceBackAsync(ISseCluster cluster)
    {
        using var cts = new CancellationTokenSource(Ids.Timeout);
        while (true)
        {
            try
            {
                return await cluster.GetBroadcast().SendAsync(SseEvent.Message("up"), cts.Token);
            }
            catch (BackplaneUnavailableException) when (!cts.IsCancellationRequested)
            {
                await Task.Delay(50, cts.Token);
            }
        }
    }
}

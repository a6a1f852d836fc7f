using OrleansSse.Backplane;

namespace OrleansSse.Redis.Tests;

/// <summary>
/// A publish whose connection drops while Redis holds the command fails (the publisher answers
/// 503) and is never sent again: the backplane relies on the client library for that instead of
/// keeping an idempotency marker per publish.
/// </summary>
public sealed class RedisPublishAtMostOnceTests : IAsyncLifetime
{
    private readonly RedisServerFixture _redis = new();

    public Task InitializeAsync() => ((IAsyncLifetime)_redis).InitializeAsync();

    public Task DisposeAsync() => _redis.DisposeAsync().AsTask();

    [Fact]
    public async Task PublishCutOffInFlightFailsAndRunsAtMostOnce()
    {
        await using var forwarder = new TcpForwarder(_redis.Port);
        var options = _redis.CreateOptions();
        options.Configuration = $"127.0.0.1:{forwarder.Port}";
        await using var backplane = new RedisBackplane(options);
        await RedisServerFixture.WaitUntilAsync(() => backplane.Health.Healthy, "backplane connected");
        var first = await backplane.PublishAsync(SseTarget.All, "before", "1");

        // Redis frozen: the command reaches its socket but no reply can come back before the cut.
        await _redis.SetPausedAsync(true);
        var cut = backplane.PublishAsync(SseTarget.All, "cut-in-flight", "2");
        await RedisServerFixture.WaitUntilAsync(() => forwarder.HasSent("cut-in-flight"), "the publish reaches Redis");
        forwarder.CutAll();
        var refused = await Assert.ThrowsAsync<BackplaneUnavailableException>(() => cut);
        Assert.Contains("may still have run", refused.Message, StringComparison.Ordinal);
        await _redis.SetPausedAsync(false);

        // Commands on one connection run in order, so once a later publish has answered, a re-sent
        // copy of the cut one would already have run.
        var after = await PublishOnceReconnectedAsync(backplane, "after");

        var history = await backplane.ReadHistoryAsync([SseTarget.All], new EventCursor(first.Cursor.Epoch, 0));
        Assert.Equal(["before", "cut-in-flight", "after"], history.Events.Select(static m => m.Name));
        Assert.Equal(first.Cursor.Position + 2, after.Cursor.Position);
    }

    private static async Task<PublishReceipt> PublishOnceReconnectedAsync(RedisBackplane backplane, string eventName)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            await RedisServerFixture.WaitUntilAsync(() => backplane.Health.Healthy, "backplane reconnected");
            try
            {
                return await backplane.PublishAsync(SseTarget.All, eventName, "3");
            }
            catch (BackplaneUnavailableException) when (DateTime.UtcNow < deadline)
            {
                // The reconnect was not noticed yet; health turns unhealthy, then healthy again.
            }
        }
    }
}

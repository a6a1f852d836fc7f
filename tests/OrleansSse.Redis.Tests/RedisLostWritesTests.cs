using OrleansSse.Backplane;

namespace OrleansSse.Redis.Tests;

/// <summary>
/// Redis comes back with its epoch key but without its last writes (restarted from an older
/// snapshot), so its position counter went back. Each test owns its redis-server.
/// </summary>
public sealed class RedisLostWritesTests : IAsyncLifetime
{
    private readonly RedisServerFixture _redis = new();

    public Task InitializeAsync() => ((IAsyncLifetime)_redis).InitializeAsync();

    public Task DisposeAsync() => _redis.DisposeAsync().AsTask();

    [Fact]
    public async Task CounterThatWentBackStartsANewEpochOnceABackplaneThatSawLaterPositionsReconnects()
    {
        await using var silos = await BackplaneSet.CreateAsync(_redis, 2);
        var saved = await silos[0].PublishAsync(SseTarget.Client("kim"), "n", "kept");
        _redis.Save();
        var lost = await silos[0].PublishAsync(SseTarget.Client("kim"), "n", "lost");
        await _redis.StopWithoutSavingAsync();
        await _redis.StartAsync();
        await RedisServerFixture.WaitUntilAsync(() => silos[0].Health.Healthy && silos[1].Health.Healthy, "both backplanes reconnected");

        var current = await silos[1].GetCurrentAsync();
        Assert.NotEqual(saved.Cursor.Epoch, current.Epoch);
        var next = await silos[1].PublishAsync(SseTarget.Client("kim"), "n", "after");
        Assert.NotEqual(lost.Cursor, next.Cursor);
        Assert.Equal(current.Epoch, next.Cursor.Epoch);

        // Cursors from before the loss cannot be recovered, the one that was lost included.
        Assert.False((await silos[1].ReadHistoryAsync([SseTarget.Client("kim")], saved.Cursor)).Recovered);
        Assert.False((await silos[1].ReadHistoryAsync([SseTarget.Client("kim")], lost.Cursor)).Recovered);
        var fresh = await silos[1].ReadHistoryAsync([SseTarget.Client("kim")], current);
        Assert.True(fresh.Recovered);
        Assert.Equal(["after"], fresh.Events.Select(e => e.Data));
    }

    [Fact]
    public async Task RestartWithAllItsWritesKeepsTheEpoch()
    {
        await using var silos = await BackplaneSet.CreateAsync(_redis, 1);
        var before = await silos[0].PublishAsync(SseTarget.All, "n", "1");
        await _redis.RestartAsync(keepData: true);
        await RedisServerFixture.WaitUntilAsync(() => silos[0].Health.Healthy, "backplane reconnected");

        var after = await silos[0].PublishAsync(SseTarget.All, "n", "2");
        Assert.Equal(new EventCursor(before.Cursor.Epoch, before.Cursor.Position + 1), after.Cursor);
        Assert.True((await silos[0].ReadHistoryAsync([SseTarget.All], before.Cursor)).Recovered);
    }
}

using System.Diagnostics;
using OrleansSse.Backplane;

namespace OrleansSse.Redis.Tests;

/// <summary>Each test owns its redis-server, because it stops and starts it.</summary>
public sealed class RedisFaultTests : IAsyncLifetime
{
    // Shorter than the product's 5 s, so that waiting for it to pass stays cheap.
    private static readonly TimeSpan OperationTimeout = TimeSpan.FromSeconds(2);

    // What one failing operation may take: the operation timeout, plus slack for a loaded machine.
    private static readonly TimeSpan FailureBound = OperationTimeout + TimeSpan.FromSeconds(3);

    private readonly RedisServerFixture _redis = new();

    public Task InitializeAsync() => ((IAsyncLifetime)_redis).InitializeAsync();

    public Task DisposeAsync() => _redis.DisposeAsync().AsTask();

    [Fact]
    public async Task RedisDownMakesEveryOperationFailQuicklyAndHealthUnhealthy()
    {
        await using var silos = await BackplaneSet.CreateAsync(_redis, 1, operationTimeout: OperationTimeout);
        var backplane = silos[0];
        await _redis.StopAsync(keepData: false);
        await RedisServerFixture.WaitUntilAsync(() => !backplane.Health.Healthy, "backplane notices Redis is down");

        Assert.False(string.IsNullOrEmpty(backplane.Health.Reason));
        var operations = new Func<Task>[]
        {
            () => backplane.PublishAsync(SseTarget.All, "n", "1"),
            () => backplane.GetCurrentAsync(),
            () => backplane.AddToGroupAsync("g", "c"),
            () => backplane.RemoveFromGroupAsync("g", "c"),
            () => backplane.GetGroupMembersAsync("g"),
            () => backplane.GetClientGroupsAsync("c"),
            () => backplane.IsOnlineAsync("c"),
            () => backplane.DisconnectAsync("c"),
            () => backplane.SubscribeAsync(SseTarget.All, _ => { }),
            () => backplane.ReadHistoryAsync([SseTarget.All], new EventCursor("e", 0)),
        };
        foreach (var operation in operations)
        {
            var watch = Stopwatch.StartNew();
            await Assert.ThrowsAsync<BackplaneUnavailableException>(operation);
            Assert.True(watch.Elapsed < FailureBound, $"took {watch.Elapsed}");
        }
    }

    [Fact]
    public async Task UnresponsiveRedisMakesOperationsFailWithinTheOperationTimeout()
    {
        await using var silos = await BackplaneSet.CreateAsync(_redis, 1, operationTimeout: OperationTimeout);
        await _redis.SetPausedAsync(true);

        foreach (var operation in new Func<Task>[]
        {
            () => silos[0].PublishAsync(SseTarget.All, "n", "1"),
            () => silos[0].ReadHistoryAsync([SseTarget.All], new EventCursor("e", 0)),
        })
        {
            var watch = Stopwatch.StartNew();
            await Assert.ThrowsAsync<BackplaneUnavailableException>(operation);
            Assert.True(watch.Elapsed < FailureBound, $"took {watch.Elapsed}");
        }

        await _redis.SetPausedAsync(false);
        await silos[0].PublishAsync(SseTarget.All, "n", "2");
    }

    [Fact]
    public async Task BackplaneStartedWhileRedisIsDownConnectsWhenRedisComesUp()
    {
        await _redis.StopAsync(keepData: false);
        await using var backplane = await RedisBackplane.ConnectAsync(_redis.CreateOptions(operationTimeout: OperationTimeout));
        Assert.False(backplane.Health.Healthy);
        await Assert.ThrowsAsync<BackplaneUnavailableException>(() => backplane.PublishAsync(SseTarget.All, "n", "1"));

        await _redis.StartAsync();
        await RedisServerFixture.WaitUntilAsync(() => backplane.Health.Healthy, "backplane connects");

        var receipt = await backplane.PublishAsync(SseTarget.All, "n", "1");
        Assert.Equal(1, receipt.Cursor.Position);
    }

    [Fact]
    public async Task RedisRestartedWithDataRaisesReconnectedAndLiveDeliveryResumes()
    {
        await using var silos = await BackplaneSet.CreateAsync(_redis, 2);
        var inbox = new Inbox();
        await using var subscription = await silos[1].SubscribeAsync(SseTarget.Client("kim"), inbox.Add);
        var before = await silos[0].PublishAsync(SseTarget.Client("kim"), "n", "before");
        await inbox.NextAsync();
        var reconnected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        silos[1].Reconnected += () => reconnected.TrySetResult();

        await _redis.RestartAsync(keepData: true);
        await reconnected.Task.WaitAsync(TimeSpan.FromSeconds(20));
        await RedisServerFixture.WaitUntilAsync(() => silos[0].Health.Healthy, "publisher reconnects");

        var after = await silos[0].PublishAsync(SseTarget.Client("kim"), "n", "after");
        var message = await inbox.NextAsync();
        Assert.Equal("after", message.Data);
        Assert.Equal(before.Cursor.Epoch, after.Cursor.Epoch);
        Assert.Equal(before.Cursor.Position + 1, after.Cursor.Position);
        Assert.True(silos[1].Health.Healthy);
        var history = await silos[1].ReadHistoryAsync([SseTarget.Client("kim")], new EventCursor(before.Cursor.Epoch, 0));
        Assert.True(history.Recovered);
        Assert.Equal(["before", "after"], history.Events.Select(e => e.Data));
    }

    [Fact]
    public async Task RedisRestartedWithoutDataStartsANewEpoch()
    {
        await using var silos = await BackplaneSet.CreateAsync(_redis, 2);
        var inbox = new Inbox();
        await using var subscription = await silos[1].SubscribeAsync(SseTarget.All, inbox.Add);
        var before = await silos[0].PublishAsync(SseTarget.All, "n", "before");
        await inbox.NextAsync();
        var reconnected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        silos[1].Reconnected += () => reconnected.TrySetResult();

        await _redis.RestartAsync(keepData: false);
        await reconnected.Task.WaitAsync(TimeSpan.FromSeconds(20));
        await RedisServerFixture.WaitUntilAsync(() => silos[0].Health.Healthy, "publisher reconnects");

        var after = await silos[0].PublishAsync(SseTarget.All, "n", "after");
        Assert.NotEqual(before.Cursor.Epoch, after.Cursor.Epoch);
        Assert.Equal(1, after.Cursor.Position);
        Assert.Equal(after.Cursor, (await inbox.NextAsync()).Cursor);

        var old = await silos[1].ReadHistoryAsync([SseTarget.All], before.Cursor);
        Assert.False(old.Recovered);
        Assert.Empty(old.Events);
        Assert.Equal(after.Cursor, await silos[1].GetCurrentAsync());
    }

    [Fact]
    public async Task SubscribeThatTimedOutLeavesNoHandlerAndNoPresenceOnceRedisAnswers()
    {
        await using var silos = await BackplaneSet.CreateAsync(_redis, 2);
        var target = SseTarget.Client("late");
        var abandoned = new Inbox();
        await _redis.SetPausedAsync(true);
        try
        {
            // Redis takes the SUBSCRIBE but answers only after the operation timeout.
            await Assert.ThrowsAsync<BackplaneUnavailableException>(() => silos[0].SubscribeAsync(target, abandoned.Add));
        }
        finally
        {
            await _redis.SetPausedAsync(false);
        }

        await RedisServerFixture.WaitUntilAsync(() => silos[0].Health.Healthy, "Redis answers again");

        // A new subscription on the same connection is confirmed after whatever the failed one left
        // queued, and a message reaches the channel's handlers in the order they were added.
        var inbox = new Inbox();
        var subscription = await silos[0].SubscribeAsync(target, inbox.Add);
        await silos[1].PublishAsync(target, "n", "after");
        Assert.Equal("after", (await inbox.NextAsync()).Data);
        Assert.False(abandoned.TryRead(out _), "the handler of the failed subscribe still receives");

        await subscription.DisposeAsync();
        Assert.False(await silos[1].IsOnlineAsync("late"), "the failed subscribe keeps the client online");
    }
}

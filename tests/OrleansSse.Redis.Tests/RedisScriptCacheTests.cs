using OrleansSse.Backplane;
using StackExchange.Redis;

namespace OrleansSse.Redis.Tests;

/// <summary>
/// The backplane runs its scripts by their SHA1 (EVALSHA); a Redis that forgot them (SCRIPT FLUSH,
/// the same as a restart) answers NOSCRIPT, and the backplane then runs the script by its text, once.
/// </summary>
public sealed class RedisScriptCacheTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    [Fact]
    public async Task PublishAfterRedisForgotTheScriptsRunsOnceAndStaysInOrder()
    {
        var options = redis.CreateOptions();
        await using var backplane = await RedisBackplane.ConnectAsync(options);
        var client = SseTarget.Client("flushed");
        var start = await backplane.GetCurrentAsync();
        var first = await backplane.PublishAsync(client, "tick", "before");

        var admin = ConfigurationOptions.Parse(redis.Configuration);
        admin.AllowAdmin = true;
        using (var raw = await ConnectionMultiplexer.ConnectAsync(admin))
        {
            var server = raw.GetServer(raw.GetEndPoints()[0]);
            await server.ScriptFlushAsync();
            Assert.False(await server.ScriptExistsAsync(RedisScripts.Instance.Publish.Text));
        }

        var second = await backplane.PublishAsync(client, "tick", "after");

        Assert.Equal(first.Cursor.Position + 1, second.Cursor.Position);
        var history = await backplane.ReadHistoryAsync([client], start);
        Assert.True(history.Recovered);
        Assert.Equal(["before", "after"], history.Events.Select(e => e.Data));
    }
}

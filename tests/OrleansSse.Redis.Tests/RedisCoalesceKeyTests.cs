using OrleansSse.Backplane;
using StackExchange.Redis;

namespace OrleansSse.Redis.Tests;

/// <summary>Coalesce keys in what Redis already holds: entries and messages from before keys existed read as unkeyed.</summary>
public sealed class RedisCoalesceKeyTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    [Fact]
    public async Task HistoryEntryWrittenWithoutAKeyFieldStillReadsAsUnkeyed()
    {
        var options = redis.CreateOptions();
        await using var backplane = await RedisBackplane.ConnectAsync(options);
        var keys = new RedisKeys(options.KeyPrefix);
        var client = SseTarget.Client("legacy");
        var start = await backplane.GetCurrentAsync();

        // An entry exactly as the publish script wrote it before coalesce keys: fields n, d, t only.
        using (var raw = await ConnectionMultiplexer.ConnectAsync(redis.Configuration))
        {
            await raw.GetDatabase().ScriptEvaluateAsync(
                """
                local pos = redis.call('INCR', KEYS[1])
                redis.call('XADD', KEYS[2], string.format('%d-0', pos), 'n', 'tick', 'd', 'old', 't', ARGV[1])
                redis.call('HSET', KEYS[3], 'last', pos)
                return pos
                """,
                [keys.Sequence, keys.Stream(client), keys.StreamMeta(client)],
                [DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()]);
        }

        await backplane.PublishAsync(client, "tick", "new", "price");

        var history = await backplane.ReadHistoryAsync([client], start);
        Assert.True(history.Recovered);
        Assert.Equal([("old", (string?)null), ("new", "price")], history.Events.Select(e => (e.Data, e.CoalesceKey)));
    }
}

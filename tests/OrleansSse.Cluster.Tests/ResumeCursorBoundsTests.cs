using System.Net;
using OrleansSse.Redis.Tests;
using OrleansSse.Testing;

namespace OrleansSse.Cluster.Tests;

/// <summary>A resume cursor a silo over Redis cannot replay from still opens the stream: 200, <c>"recovered": false</c>, then live events.</summary>
public sealed class ResumeCursorBoundsTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    [Fact]
    public async Task CursorOfTheCurrentEpochBeyondTheSequenceResumesNotRecoveredAndGoesLive()
    {
        await using var cluster = await RedisCluster.StartAsync(redis, silos: 1);
        var api = new SiloApi(cluster.Silos[0].Http);
        Assert.True(EventCursor.TryParse(await api.BroadcastAsync("before"), out var current));

        // Positions a double rounds to 2^63 (Redis scripts compute in doubles); header and query.
        foreach (var (position, useHeader) in new[] { (long.MaxValue, true), (long.MaxValue - 511, false) })
        {
            var clientId = Wait.Unique("far");
            await using var stream = await cluster.ConnectAsync(0, clientId, lastEventId: $"{current.Epoch}-{position}", useHeader: useHeader);

            Assert.True(stream.StatusCode == HttpStatusCode.OK, $"{position}: {(int)stream.StatusCode} {stream.ErrorBody}");
            Assert.False(stream.Connected!.Recovered);
            var (id, _) = await api.SendAsync(clientId, "live");
            Assert.Equal(new SseTestEvent("message", "live", id), await stream.NextAsync(Wait.Timeout));
        }
    }
}

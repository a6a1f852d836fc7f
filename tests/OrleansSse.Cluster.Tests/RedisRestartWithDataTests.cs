using System.Net;
using OrleansSse.Grains;
using OrleansSse.Redis;
using OrleansSse.Redis.Tests;
using OrleansSse.Testing;

namespace OrleansSse.Cluster.Tests;

/// <summary>
/// Redis goes away for a while and comes back with its data (its own redis-server, so the
/// outage touches no other test): publishing answers 503, health says degraded, open streams stay
/// open (each silo keeps writing heartbeats), and afterwards they receive everything — before,
/// during catch-up, live — once, in order.
/// </summary>
public sealed class RedisRestartWithDataTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    // Heartbeats every 200 ms; the outage lasts until every silo wrote this many while Redis was down.
    private const int HeartbeatsDuringOutage = 5;

    [Fact]
    public async Task RedisRestartedWithItsDataLosesNothingAndRefusesPublishesWhileDown()
    {
        await using var cluster = await RedisCluster.StartAsync(redis, settings: new Dictionary<string, string?>
        {
            ["OrleansSse:Stream:HeartbeatInterval"] = "00:00:00.200",
        });
        var group = Wait.Unique("g");
        var publisher = new SiloApi(cluster.Silos[1].Http);
        var clients = Enumerable.Range(0, 3).Select(i => Wait.Unique($"c{i}")).ToArray();
        var streams = new List<SseTestConnection>();
        for (var silo = 0; silo < 3; silo++)
        {
            streams.Add(await cluster.ConnectAsync(silo, clients[silo], groups: [group]));
        }

        // Received live before the outage.
        var received = new List<SseTestEvent> { new("all", "start", await publisher.BroadcastAsync("start", "all")) };
        foreach (var stream in streams)
        {
            Assert.Equal(received, await stream.CollectAsync(1, Wait.Timeout));
        }

        // One more stream per silo, read raw: its heartbeats show the silo keeps its streams alive
        // through the outage.
        var beats = new List<SseRawConnection>();
        for (var silo = 0; silo < 3; silo++)
        {
            beats.Add(await cluster.ConnectRawAsync(silo, SseTestCluster.StreamPath(Wait.Unique($"beat{silo}"))));
            await beats[silo].ReadUntilAsync("event: connected", Wait.Timeout);
        }

        var after = new List<SseTestEvent>();

        // Published just before Redis stops: live delivery may or may not win the race.
        var before = new List<SseTestEvent>
        {
            new("grp", "before-g", await publisher.GroupSendAsync(group, "before-g", "grp")),
            new("all", "before-b", await publisher.BroadcastAsync("before-b", "all")),
        };

        // The raw streams read up to the last broadcast: what follows is written from here on.
        foreach (var beat in beats)
        {
            await beat.ReadUntilAsync("data: before-b\n\n", Wait.Timeout);
        }

        await redis.StopAsync(keepData: true);
        await Health.UntilAllAsync(cluster, "degraded");
        foreach (var silo in cluster.Silos)
        {
            var health = await Health.ReadAsync(silo);
            Assert.True(health.StatusCode == HttpStatusCode.ServiceUnavailable, health.Body);
            Assert.False(string.IsNullOrWhiteSpace(health.Reason), "a degraded silo says why: " + health.Body);
        }

        foreach (var (path, body) in new[]
        {
            ("/api/sse/send", $$"""{"client_id":"{{clients[0]}}","data":"down"}"""),
            ("/api/sse/broadcast", """{"data":"down"}"""),
            ($"/api/sse/groups/{group}/send", """{"data":"down"}"""),
        })
        {
            using var refused = await publisher.PostAsync(path, body);
            var text = await refused.Content.ReadAsStringAsync();
            Assert.True(refused.StatusCode == HttpStatusCode.ServiceUnavailable, $"POST {path} while Redis is down: {(int)refused.StatusCode} {text}");
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        }

        // The outage lasts while every silo keeps writing to its streams: at most a couple of these
        // heartbeats were written before Redis stopped, the rest after it was seen to be down.
        foreach (var beat in beats)
        {
            for (var i = 0; i < HeartbeatsDuringOutage; i++)
            {
                await beat.ReadUntilAsync(": heartbeat\n\n", Wait.Timeout);
            }
        }

        Assert.False(redis.IsRunning);
        Assert.All(streams, s => Assert.False(s.Closed.IsCompleted, $"{s} stayed open while Redis was down"));

        await redis.StartAsync();

        // Published the moment Redis is back, by another service on its own connection, while
        // the silos are still reconnecting: their streams can only get these from catch-up.
        await using (var service = new RedisBackplane(redis.CreateOptions(cluster.Options.Settings["OrleansSse:Backplane:KeyPrefix"])))
        {
            await RedisServerFixture.WaitUntilAsync(() => service.Health.Healthy, "a fresh Redis connection");
            var grains = new SseCluster(service);
            after.Add(new("direct", "during-d0", (await grains.GetClient(clients[0]).SendAsync(new SseEvent("direct", "during-d0"))).Id));
            after.Add(new("grp", "during-g", (await grains.GetGroup(group).SendAsync(new SseEvent("grp", "during-g"))).Id));
            after.Add(new("all", "during-b", (await grains.GetBroadcast().SendAsync(new SseEvent("all", "during-b"))).Id));
        }

        // And through a silo's API as soon as that silo reaches Redis again.
        await Wait.UntilAsync(async () => (await Health.ReadAsync(cluster.Silos[1])).Status == "healthy", "silo 2 healthy again");
        after.Add(new("direct", "after-d0", (await publisher.SendAsync(clients[0], "after-d0", "direct")).Id));
        after.Add(new("grp", "after-g", await publisher.GroupSendAsync(group, "after-g", "grp")));
        after.Add(new("all", "after-b", await publisher.BroadcastAsync("after-b", "all")));
        await Health.UntilAllAsync(cluster, "healthy");
        var live = new SiloApi(cluster.Silos[2].Http);
        var last = new SseTestEvent("all", "live", await live.BroadcastAsync("live", "all"));

        for (var silo = 0; silo < 3; silo++)
        {
            var expected = before.Concat(after.Where(e => e.Type != "direct" || silo == 0)).Append(last).ToList();
            var got = await streams[silo].CollectAsync(expected.Count, Wait.Timeout);
            Assert.Equal(expected, got);
            Assert.False(streams[silo].Closed.IsCompleted, $"{streams[silo]} is still open");
        }

        // Nothing more (no duplicates arrive late): a marker is the next event everywhere.
        var marker = new SseTestEvent("end", "marker", await live.BroadcastAsync("marker", "end"));
        foreach (var stream in streams)
        {
            Assert.Equal(marker, await stream.NextAsync(Wait.Timeout));
        }
    }
}

using System.Threading.Channels;
using OrleansSse.Redis.Tests;
using OrleansSse.Testing;

namespace OrleansSse.Cluster.Tests;

/// <summary>
/// "A silo killed outright: clients reconnect elsewhere and resume from Redis" (DESIGN faults),
/// with a real process killed by SIGKILL: no disposal code runs, its socket to the client and its
/// Redis connections are torn down by the kernel. The client resumes on another silo with
/// <c>"recovered": true</c> and every event it missed, once, in order.
/// </summary>
public sealed class KilledSiloProcessTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    [Fact]
    public async Task AClientOfASiloProcessKilledWithSigkillResumesOnAnotherSiloWithEverythingItMissed()
    {
        await using var cluster = await RedisCluster.StartAsync(redis, silos: 1);
        var prefix = cluster.Options.Settings["OrleansSse:Backplane:KeyPrefix"]!;
        await using var doomed = await SiloProcess.StartAsync(
            [
                "--OrleansSse:Backplane:Kind", "Redis",
                "--OrleansSse:Backplane:Redis", redis.Configuration,
                "--OrleansSse:Backplane:KeyPrefix", prefix,
                "--OrleansSse:SiloName", "doomed",
            ],
            Wait.Timeout);
        using var http = new HttpClient { BaseAddress = doomed.BaseAddress, Timeout = Timeout.InfiniteTimeSpan };
        var clientId = Wait.Unique("k");
        var group = Wait.Unique("g");
        var api = new SiloApi(cluster.Silos[0].Http);
        await using var first = await SseReader.OpenAsync(http, $"/api/sse?client_id={clientId}&groups={group}", Wait.Timeout);
        Assert.Equal("connected", (await first.NextAsync(Wait.Timeout)).EventType);

        var seen = (await api.SendAsync(clientId, "seen", "direct")).Id;
        var seenItem = await first.NextAsync(Wait.Timeout);
        Assert.Equal((seen, "seen"), (seenItem.EventId, seenItem.Data));

        using (var process = System.Diagnostics.Process.GetProcessById(doomed.Id))
        {
            process.Kill(); // SIGKILL
        }

        await Assert.ThrowsAsync<ChannelClosedException>(() => first.NextAsync(Wait.Timeout));

        var missed = new List<SseTestEvent>
        {
            new("direct", "d1", (await api.SendAsync(clientId, "d1", "direct")).Id),
            new("grp", "g1", await api.GroupSendAsync(group, "g1", "grp")),
            new("all", "b1", await api.BroadcastAsync("b1", "all")),
        };
        await using var resumed = await cluster.ConnectAsync(0, clientId, lastEventId: seen);
        var live = new SseTestEvent("all", "live", await api.BroadcastAsync("live", "all"));

        Assert.True(resumed.Connected!.Recovered);
        Assert.Equal([.. missed, live], await resumed.CollectAsync(missed.Count + 1, Wait.Timeout));
        var info = await api.GetJsonAsync($"/api/sse/clients/{clientId}");
        Assert.Equal([group], info["groups"]!.AsArray().Select(g => g!.GetValue<string>()));
    }
}

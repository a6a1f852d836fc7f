using OrleansSse.Testing;

namespace OrleansSse.Silo.Tests;

/// <summary>Two silos in one process over the shared in-memory backplane (the Redis cluster tests add the real thing).</summary>
public sealed class TwoSiloTests
{
    [Fact]
    public async Task SendOnSiloOneReachesClientOnSiloTwo()
    {
        await using var cluster = await SseTestCluster.StartAsync(new SseTestClusterOptions { Silos = 2 });
        await using var client = await cluster.ConnectAsync(1, "far");

        var (id, online) = await new SiloApi(cluster.Silos[0].Http).SendAsync("far", "across");

        Assert.True(online);
        Assert.Equal(new SseTestEvent("message", "across", id), await client.NextAsync(Wait.Timeout));
    }

    [Fact]
    public async Task GroupSendAndBroadcastReachConnectionsOnBothSilosOnce()
    {
        await using var cluster = await SseTestCluster.StartAsync(new SseTestClusterOptions { Silos = 2 });
        var api = new SiloApi(cluster.Silos[0].Http);
        await api.AddToGroupAsync("g", "a");
        await api.AddToGroupAsync("g", "b");
        await using var a = await cluster.ConnectAsync(0, "a");
        await using var b = await cluster.ConnectAsync(1, "b");

        var group = await api.GroupSendAsync("g", "to-group");
        var all = await new SiloApi(cluster.Silos[1].Http).BroadcastAsync("to-all");

        foreach (var connection in new[] { a, b })
        {
            var events = await connection.CollectAsync(2, Wait.Timeout);
            Assert.Equal([group, all], events.Select(e => e.Id));
        }
    }

    [Fact]
    public async Task ClientResumesOnTheOtherSiloWithEverythingItMissed()
    {
        await using var cluster = await SseTestCluster.StartAsync(new SseTestClusterOptions { Silos = 2 });
        await ResumeScenario.RunAsync(cluster, publishSilo: 0, firstSilo: 0, resumeSilo: 1, lastId =>
            cluster.ConnectAsync(1, "r", lastEventId: lastId));
    }

    [Fact]
    public async Task ClientOfAKilledSiloResumesOnTheOtherWithEverythingItMissed()
    {
        await using var cluster = await SseTestCluster.StartAsync(new SseTestClusterOptions { Silos = 2 });
        await ResumeScenario.RunAsync(
            cluster, publishSilo: 1, firstSilo: 0, resumeSilo: 1,
            lastId => cluster.ConnectAsync(1, "r", lastEventId: lastId),
            loseConnection: () => cluster.KillSiloAsync(0));
    }

    [Fact]
    public async Task StoppedSiloEndsItsStreamsWithARetryHint()
    {
        await using var cluster = await SseTestCluster.StartAsync(new SseTestClusterOptions { Silos = 2 });
        await using var stream = await cluster.ConnectRawAsync(0, SseTestCluster.StreamPath("leaving"));
        await stream.ReadUntilAsync("event: connected", Wait.Timeout);
        await stream.ReadUntilAsync("\n\n", Wait.Timeout);

        var stop = cluster.StopSiloAsync(0);
        var rest = await stream.ReadToEndAsync(Wait.Timeout);
        await stop.WaitAsync(Wait.Timeout);

        Assert.Contains("retry:", rest, StringComparison.Ordinal);
        Assert.False(cluster.Silos[0].IsRunning);
        await using var elsewhere = await cluster.ConnectAsync(1, "leaving");
        Assert.Equal("leaving", elsewhere.Connected!.ClientId);
    }

    [Fact]
    public async Task AdditionalSiloJoinsTheSameBackplane()
    {
        await using var cluster = await SseTestCluster.StartAsync();
        var added = await cluster.StartAdditionalSiloAsync();
        await using var client = await cluster.ConnectAsync(added.Index, "late");

        var (id, _) = await new SiloApi(cluster.Silos[0].Http).SendAsync("late", "hi");

        Assert.Equal(1, added.Index);
        Assert.NotEqual(cluster.Silos[0].BaseAddress, added.BaseAddress);
        Assert.Equal(id, (await client.NextAsync(Wait.Timeout)).Id);
    }

    [Fact]
    public async Task DisconnectThroughTheClientGrainEndsItsStreamOnAnotherSilo()
    {
        await using var cluster = await SseTestCluster.StartAsync(new SseTestClusterOptions { Silos = 2 });
        await using var c = await cluster.ConnectAsync(1, "c");

        await cluster.Client.GetClient("c").DisconnectAsync();

        await c.Closed.WaitAsync(Wait.Timeout);
        await Assert.ThrowsAsync<TimeoutException>(() => c.NextAsync(Wait.Timeout));
    }
}

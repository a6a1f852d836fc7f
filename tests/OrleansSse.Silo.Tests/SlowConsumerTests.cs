using OrleansSse.Testing;
using Xunit.Abstractions;

namespace OrleansSse.Silo.Tests;

/// <summary>A client that never reads is cut off at its queue bound; others keep up; memory stays bounded.</summary>
[Collection(nameof(SlowConsumerTests))]
public sealed class SlowConsumerTests(ITestOutputHelper output)
{
    private const int QueueCapacity = 16;
    private const int EventBytes = 32 * 1024;
    private const int Events = 3200; // ~100 MB through the silo
    private const int Batch = 8;     // below QueueCapacity, so the reading client is never the slow one
    private const long MemoryBound = 24L * 1024 * 1024;

    [Fact]
    public async Task ClientThatNeverReadsIsDisconnectedWhileAnotherReceivesEveryEventAndMemoryStaysBounded()
    {
        await using var cluster = await SseTestCluster.StartAsync(new SseTestClusterOptions
        {
            Settings =
            {
                ["OrleansSse:Stream:QueueCapacity"] = QueueCapacity.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["OrleansSse:Retention:MaxEventsPerStream"] = "8",
            },
        });
        var silo = cluster.Silos[0];
        await using var healthy = await cluster.ConnectAsync(0, "healthy");
        healthy.KeepReceived = false;
        using var stalled = await cluster.ConnectStalledAsync(0, "stalled");
        await Wait.UntilAsync(async () => await silo.ReadMetricAsync("orleanssse_connections_active") == 2, "the stalled client to be connected");
        var disconnectsBefore = await silo.ReadMetricAsync("orleanssse_slow_consumer_disconnects_total");
        var droppedBefore = await silo.ReadMetricAsync("orleanssse_frames_dropped_total");
        var baseline = GC.GetTotalMemory(forceFullCollection: true);
        var peak = baseline;
        var payload = new string('x', EventBytes);
        var broadcast = cluster.Client.GetBroadcast();

        for (var sent = 0; sent < Events; sent += Batch)
        {
            var ids = new List<string>(Batch);
            for (var i = 0; i < Batch; i++)
            {
                ids.Add((await broadcast.SendAsync(SseEvent.Message(payload))).Id);
            }

            var got = await healthy.CollectAsync(Batch, Wait.Timeout);
            Assert.Equal(ids, got.Select(e => e.Id));
            if (sent % 800 == 0)
            {
                peak = Math.Max(peak, GC.GetTotalMemory(forceFullCollection: true));
            }
        }

        await Wait.UntilAsync(
            async () => await silo.ReadMetricAsync("orleanssse_slow_consumer_disconnects_total") > disconnectsBefore,
            "slow_consumer_disconnects_total to rise");
        await Wait.UntilAsync(async () => await silo.ReadMetricAsync("orleanssse_connections_active") == 1, "the stalled stream to be removed");
        await stalled.WaitForServerCloseAsync(Wait.Timeout);
        // Cut at its bound: the frames queued for it and the one that did not fit are dropped and
        // counted (a heartbeat queued meanwhile may add one or two); the reader that kept up lost none.
        Assert.InRange(await silo.ReadMetricAsync("orleanssse_frames_dropped_total") - droppedBefore, QueueCapacity + 1, QueueCapacity + 3);
        var after = GC.GetTotalMemory(forceFullCollection: true);
        peak = Math.Max(peak, after);
        output.WriteLine($"managed memory: baseline {baseline / 1024 / 1024} MB, peak {peak / 1024 / 1024} MB, after {after / 1024 / 1024} MB");
        Assert.True(peak - baseline < MemoryBound, $"managed memory grew by {(peak - baseline) / 1024 / 1024} MB while {(long)Events * EventBytes / 1024 / 1024} MB passed through");

        // The reader that kept up is still live.
        var last = await broadcast.SendAsync(SseEvent.Message("still here"));
        Assert.Equal(last.Id, (await healthy.NextAsync(Wait.Timeout)).Id);
    }
}

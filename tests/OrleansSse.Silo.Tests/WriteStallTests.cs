using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OrleansSse.Connections;
using OrleansSse.Security.Tests;
using OrleansSse.Testing;

namespace OrleansSse.Silo.Tests;

/// <summary>
/// <c>OrleansSse:Stream:WriteStallTimeout</c>: a client that stops reading while nothing more is
/// published (here right after a resume queued a long replay, so the queue bound never trips) is
/// cut once the writer has waited that long on one flush; one that reads slowly but steadily is not.
/// </summary>
public sealed class WriteStallTests
{
    private const int EventBytes = 32 * 1024;
    // 5 MB replayed: more than the silo's socket takes from a writer whose client reads nothing
    // (loopback send buffers grow to 4 MB; about 3 MB is taken) plus Kestrel's output pipe.
    private const int Events = 160;
    private const string Disconnects = "orleanssse_slow_consumer_disconnects_total";
    private const string Active = "orleanssse_connections_active";

    [Theory]
    [InlineData(true, true)]   // detached, straight to the socket (the default)
    [InlineData(true, false)]  // detached, through the transport output
    [InlineData(false, false)] // in Kestrel
    public async Task ClientThatStopsReadingAfterAResumeIsCutAsASlowConsumer(bool detach, bool direct)
    {
        var logs = new LogCapture(LogLevel.Information);
        await using var cluster = await StartAsync("00:00:01", detach, direct, logs);
        var silo = cluster.Silos[0];
        var resumeFrom = await PublishHistoryAsync(cluster);
        var disconnectsBefore = await silo.ReadMetricAsync(Disconnects);

        using var stalled = await RawHttpStream.OpenAsync(
            silo.BaseAddress, SseTestCluster.StreamPath("stalled", lastEventId: resumeFrom), receiveBufferSize: 4096);

        await Wait.UntilAsync(async () => await silo.ReadMetricAsync(Disconnects) == disconnectsBefore + 1, "the stalled stream to be cut as a slow consumer");
        await Wait.UntilAsync(async () => await silo.ReadMetricAsync(Active) == 0, "the stalled stream to be unregistered");
        await Wait.UntilAsync(
            () => Task.FromResult(logs.Entries.Any(e => e.Id.Id == 104 && e.Message.Contains("client stalled cut as a slow consumer", StringComparison.Ordinal))),
            "the stall to be logged");
        var readable = await stalled.ReadToEndAsync(Wait.Timeout);
        Assert.True(readable < (long)Events * EventBytes, $"{readable} bytes were still readable: the replay was not cut short");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ClientThatReadsSlowlyButSteadilyIsNotCut(bool detach)
    {
        // A 10 s timeout. On loopback the silo's socket send buffer grows to 4 MB and the kernel lets
        // a writer on again only once about a third of a full buffer has drained, so one flush to a
        // client reading 1-1.6 MB/s can wait over a second, several on a machine busy with other
        // tests (1 s and 3 s timeouts at 250 KB/s were seen to run out there, 5 s was too close).
        // The timeout costs nothing here (the client is not cut). How the writer chunks and times
        // its flushes is tested in ConnectionStallTests; this is the end-to-end guard that a
        // client that keeps reading is not cut.
        await using var cluster = await StartAsync("00:00:10", detach, direct: true);
        var silo = cluster.Silos[0];
        var resumeFrom = await PublishHistoryAsync(cluster);
        var disconnectsBefore = await silo.ReadMetricAsync(Disconnects);

        // At most 16 KB every 10 ms for 4.5 MB of the 5 MB replay: longer than the timeout, with the
        // rest of the replay queued all along.
        using var reader = await RawHttpStream.OpenAsync(
            silo.BaseAddress, SseTestCluster.StreamPath("slow", lastEventId: resumeFrom), receiveBufferSize: 16 * 1024, internetSegments: true);
        await reader.ReadSlowlyAsync(4608 * 1024, 16 * 1024, TimeSpan.FromMilliseconds(10), TimeSpan.FromSeconds(60));

        Assert.Equal(disconnectsBefore, await silo.ReadMetricAsync(Disconnects));
        Assert.Equal(1, await silo.ReadMetricAsync(Active));
    }

    [Fact]
    public async Task WriteStallTimeoutZeroLeavesAStalledClientToTheQueueBound()
    {
        await using var cluster = await StartAsync("00:00:00", detach: true, direct: true);
        var silo = cluster.Silos[0];
        var registry = silo.Services.GetRequiredService<ConnectionRegistry>();
        var resumeFrom = await PublishHistoryAsync(cluster);
        var disconnectsBefore = await silo.ReadMetricAsync(Disconnects);
        using var stalled = await RawHttpStream.OpenAsync(
            silo.BaseAddress, SseTestCluster.StreamPath("stalled", lastEventId: resumeFrom), receiveBufferSize: 4096);

        // The writer waits on one flush for 3 s, through at least two of the silo's sweeps, and is
        // still there to be cut by hand: the silo did not cut it.
        await Wait.UntilAsync(
            () => Task.FromResult(registry.CutStalled(Environment.TickCount64, TimeSpan.FromSeconds(3)) == 1),
            "the stalled writer to have waited 3 s on one flush");
        Assert.Equal(disconnectsBefore + 1, await silo.ReadMetricAsync(Disconnects));
        await stalled.ReadToEndAsync(Wait.Timeout);
    }

    [Fact]
    public async Task StreamInKestrelCutByItsQueueBoundWhileItsFlushWaitsLeavesTheRegistry()
    {
        // The queue bound's cut of a stream that stays in Kestrel (the write stall is off here):
        // the cut aborts the connection, so the writer returns even while its flush waits.
        await using var cluster = await SseTestCluster.StartAsync(new SseTestClusterOptions
        {
            Settings =
            {
                ["OrleansSse:Stream:WriteStallTimeout"] = "00:00:00",
                ["OrleansSse:Stream:DetachFromKestrel"] = "false",
                ["OrleansSse:Stream:QueueCapacity"] = "8",
            },
        });
        var silo = cluster.Silos[0];
        using var stalled = await cluster.ConnectStalledAsync(0, "stalled");
        await Wait.UntilAsync(async () => await silo.ReadMetricAsync(Active) == 1, "the stalled client to be connected");
        var payload = new string('x', 64 * 1024);
        var client = cluster.Client.GetClient("stalled");

        // Socket buffers absorb a few MB before the queue fills: send until the silo gives up.
        await Wait.UntilAsync(
            async () =>
            {
                for (var i = 0; i < 16; i++)
                {
                    await client.SendAsync(SseEvent.Message(payload));
                }

                return await silo.ReadMetricAsync(Disconnects) >= 1;
            },
            "the stalled stream to be cut as a slow consumer");

        await Wait.UntilAsync(async () => await silo.ReadMetricAsync(Active) == 0, "the cut stream to leave the registry");
        await stalled.WaitForServerCloseAsync(Wait.Timeout);
    }

    private static Task<SseTestCluster> StartAsync(string writeStallTimeout, bool detach, bool direct, LogCapture? logs = null) =>
        SseTestCluster.StartAsync(new SseTestClusterOptions
        {
            Settings =
            {
                ["OrleansSse:Stream:WriteStallTimeout"] = writeStallTimeout,
                ["OrleansSse:Stream:DetachFromKestrel"] = detach ? "true" : "false",
                ["OrleansSse:Stream:DirectSocketWrites"] = direct ? "true" : "false",
                ["Logging:LogLevel:OrleansSse.Connections"] = "Information",
            },
            Configure = logs is null ? null : builder => builder.Logging.AddProvider(logs),
        });

    // Broadcasts the history a resume from position 0 replays; returns that cursor.
    private static async Task<string> PublishHistoryAsync(SseTestCluster cluster)
    {
        var broadcast = cluster.Client.GetBroadcast();
        var payload = new string('x', EventBytes);
        var first = (await broadcast.SendAsync(SseEvent.Message(payload))).Id;
        for (var i = 1; i < Events; i++)
        {
            await broadcast.SendAsync(SseEvent.Message(payload));
        }

        return first[..first.LastIndexOf('-')] + "-0";
    }
}

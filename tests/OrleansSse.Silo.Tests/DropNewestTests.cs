using System.Globalization;
using OrleansSse.Testing;
using Xunit.Abstractions;

namespace OrleansSse.Silo.Tests;

/// <summary>
/// <c>Stream:SlowConsumerPolicy: DropNewest</c> end to end (README configuration table): a client
/// that stops reading keeps its stream; each event that does not fit its queue is dropped for it
/// and counted in <c>orleanssse_frames_dropped_total</c>; once it reads again, later events arrive.
/// Shares the slow-consumer collection: it pushes megabytes through one process.
/// </summary>
[Collection(nameof(SlowConsumerTests))]
public sealed class DropNewestTests(ITestOutputHelper output)
{
    private const int QueueCapacity = 4;
    private const int Batch = 8;
    private const int MaxBatches = 100; // 50 MB: far more than loopback socket buffers hold
    private const string Client = "stops-reading";
    private static readonly string Payload = new('x', 64 * 1024);

    [Fact]
    public async Task AClientThatStopsReadingKeepsItsStream_EveryEventIsWrittenOrCountedAsDropped_AndLaterEventsArriveOnceItReads()
    {
        await using var cluster = await SseTestCluster.StartAsync(new SseTestClusterOptions
        {
            Settings =
            {
                ["OrleansSse:Stream:QueueCapacity"] = QueueCapacity.ToString(CultureInfo.InvariantCulture),
                ["OrleansSse:Stream:SlowConsumerPolicy"] = "DropNewest",
                ["OrleansSse:Stream:WriteStallTimeout"] = "00:00:00", // only the policy acts on this client
                ["OrleansSse:Retention:MaxEventsPerStream"] = "8",
            },
        });
        var silo = cluster.Silos[0];
        var client = cluster.Client.GetClient(Client);
        using var stalled = await cluster.ConnectStalledAsync(0, Client);
        // Until the stream has started (its connected event and retry hint are written), what
        // arrives is parked, under another bound; then the client stops reading.
        await stalled.ReadBodyUntilAsync("\nretry: ", Wait.Timeout);

        // In-process publishes reach the connection's queue before SendAsync returns, so the
        // counter tells at once whether the last one was dropped.
        var sent = 0;
        for (var batch = 0; batch < MaxBatches && await DroppedAsync(silo) == 0; batch++)
        {
            for (var i = 0; i < Batch; i++)
            {
                await client.SendAsync(SseEvent.Message(Payload));
                sent++;
            }
        }

        var dropped = await DroppedAsync(silo);
        output.WriteLine($"{sent} events of 64 KB sent before the first drop; {dropped} dropped");
        Assert.True(dropped > 0, $"nothing was dropped after {sent} events of 64 KB");
        Assert.Equal(0, await silo.ReadMetricAsync("orleanssse_slow_consumer_disconnects_total"));
        Assert.Equal(1, await silo.ReadMetricAsync("orleanssse_connections_active"));

        // The client reads again: a "final" event is sent until one is not dropped.
        var reading = stalled.ReadBodyUntilAsync("\ndata: final\n\n", Wait.Timeout);
        await Wait.UntilAsync(
            async () =>
            {
                var before = await DroppedAsync(silo);
                await client.SendAsync(SseEvent.Message("final"));
                sent++;
                return await DroppedAsync(silo) == before;
            },
            "an event to fit the queue again once the client reads");
        var events = DataEvents(await reading);

        Assert.Equal("final", events[^1].Data);
        Assert.Equal(sent, events.Count + (int)await DroppedAsync(silo));
        var positions = events.Select(e => EventCursor.TryParse(e.Id, out var cursor) ? cursor.Position : -1).ToList();
        Assert.Equal(positions.Distinct().Order(), positions);
        Assert.Equal(0, await silo.ReadMetricAsync("orleanssse_slow_consumer_disconnects_total"));

        var later = await client.SendAsync(SseEvent.Message("later"));
        Assert.Equal(later.Id, DataEvents(await stalled.ReadBodyUntilAsync("\ndata: later\n\n", Wait.Timeout))[^1].Id);
    }

    private static Task<double> DroppedAsync(SseTestSilo silo) => silo.ReadMetricAsync("orleanssse_frames_dropped_total");

    // The id'd events with data of an SSE body (the connected event, retry hints, comments and watermarks are skipped).
    private static List<(string Id, string Data)> DataEvents(string body)
    {
        var events = new List<(string, string)>();
        foreach (var block in body.Split("\n\n", StringSplitOptions.RemoveEmptyEntries))
        {
            string? id = null, data = null;
            foreach (var line in block.Split('\n'))
            {
                if (line.StartsWith("id: ", StringComparison.Ordinal))
                {
                    id = line[4..];
                }
                else if (line.StartsWith("data: ", StringComparison.Ordinal))
                {
                    data = line[6..];
                }
            }

            if (id is not null && data is not null)
            {
                events.Add((id, data));
            }
        }

        return events;
    }
}

using System.Globalization;
using OrleansSse.Testing;

namespace OrleansSse.Silo.Tests;

/// <summary>
/// <c>coalesce_key</c> over HTTP: a client that does not read while a ticker runs on one key keeps
/// its stream and, once it reads, ends with the latest value; unkeyed events in between all arrive.
/// Shares the slow-consumer collection: it pushes megabytes through one process, like the memory test.
/// </summary>
[Collection(nameof(SlowConsumerTests))]
public sealed class CoalescingTests
{
    private const int QueueCapacity = 16;
    private const int Updates = 2000;
    private const string Client = "stalled-ticker";

    // 8 KB per update: the ~16 MB sent is far more than the socket and server buffers hold, so
    // the stream's writer is blocked for most of the run and updates queue up behind it.
    private static readonly string Padding = new('x', 8 * 1024);

    [Fact]
    public async Task ClientThatNeverReadsWhileThousandsOfUpdatesOnOneKeyArrive_StaysConnectedAndEndsWithTheLatestValue()
    {
        await using var cluster = await SseTestCluster.StartAsync(new SseTestClusterOptions
        {
            Settings =
            {
                ["OrleansSse:Stream:QueueCapacity"] = QueueCapacity.ToString(CultureInfo.InvariantCulture),
                ["OrleansSse:Limits:PublishEventsPerSecond"] = "0",
            },
        });
        var silo = cluster.Silos[0];
        var api = new SiloApi(silo.Http);
        using var stalled = await cluster.ConnectStalledAsync(0, Client);
        await Wait.UntilAsync(
            async () => (await api.GetJsonAsync($"/api/sse/clients/{Client}"))["online"]!.GetValue<bool>(), "the stalled client to be online");

        var unkeyed = new List<string>();
        for (var i = 1; i <= Updates; i++)
        {
            await api.SendAsync(Client, $"{Padding}|v{i}", "price", coalesceKey: "EUR-USD");
            if (i % 500 == 250)
            {
                unkeyed.Add((await api.SendAsync(Client, $"note-{i}", "note")).Id);
            }
        }

        Assert.Equal(0, await silo.ReadMetricAsync("orleanssse_slow_consumer_disconnects_total"));
        Assert.Equal(0, await silo.ReadMetricAsync("orleanssse_frames_dropped_total"));
        // Without coalescing this many frames would have waited in the queue: far past its bound.
        Assert.True(await silo.ReadMetricAsync("orleanssse_frames_coalesced_total") >= QueueCapacity * 4);

        var events = Parse(await stalled.ReadBodyUntilAsync($"|v{Updates}\n\n", Wait.Timeout));

        Assert.EndsWith($"|v{Updates}", events[^1].Data, StringComparison.Ordinal);
        var positions = events.Select(e => EventCursor.TryParse(e.Id, out var cursor) ? cursor.Position : -1).ToList();
        Assert.Equal(positions.Distinct().Order(), positions);
        Assert.Equal(unkeyed, events.Where(e => e.Event == "note").Select(e => e.Id));
        var values = events.Where(e => e.Event == "price").Select(e => int.Parse(e.Data[(e.Data.IndexOf('|', StringComparison.Ordinal) + 2)..], CultureInfo.InvariantCulture)).ToList();
        Assert.True(values.Count < Updates, $"{values.Count} of {Updates} updates were written");
        Assert.Equal(values.Order(), values);

        // Still connected: a later event arrives on the same stream.
        var later = await api.SendAsync(Client, "still here", "note");
        var rest = Parse(await stalled.ReadBodyUntilAsync("data: still here\n\n", Wait.Timeout));
        Assert.Equal(later.Id, rest[^1].Id);
    }

    // The id'd events of an SSE body (the connected event, retry hints and comments are skipped).
    private static List<(string Id, string Event, string Data)> Parse(string body)
    {
        var events = new List<(string, string, string)>();
        foreach (var block in body.Split("\n\n", StringSplitOptions.RemoveEmptyEntries))
        {
            string? id = null, name = "message", data = null;
            foreach (var line in block.Split('\n'))
            {
                if (line.StartsWith("id: ", StringComparison.Ordinal))
                {
                    id = line[4..];
                }
                else if (line.StartsWith("event: ", StringComparison.Ordinal))
                {
                    name = line[7..];
                }
                else if (line.StartsWith("data: ", StringComparison.Ordinal))
                {
                    data = data is null ? line[6..] : data + "\n" + line[6..];
                }
            }

            if (id is not null && data is not null)
            {
                events.Add((id, name, data));
            }
        }

        return events;
    }
}

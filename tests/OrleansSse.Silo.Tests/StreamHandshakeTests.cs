using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using OrleansSse.Testing;

namespace OrleansSse.Silo.Tests;

/// <summary>What a stream looks like on the wire before any application event: headers, <c>connected</c>, <c>retry:</c>, heartbeats.</summary>
public sealed class StreamHandshakeTests
{
    [Fact]
    public async Task StreamHeadersAreSseUncachedUnbufferedAndUncompressedEvenWhenGzipIsAccepted()
    {
        await using var cluster = await SseTestCluster.StartAsync();
        var headers = new Dictionary<string, string> { ["Accept-Encoding"] = "gzip, deflate, br" };

        await using var stream = await cluster.ConnectRawAsync(0, SseTestCluster.StreamPath("h1"), headers);

        Assert.Equal(HttpStatusCode.OK, stream.StatusCode);
        Assert.Equal("text/event-stream", stream.ContentHeaders.ContentType?.MediaType);
        Assert.Contains("no-cache", stream.Headers.CacheControl?.ToString() ?? "", StringComparison.Ordinal);
        Assert.True(stream.Headers.TryGetValues("X-Accel-Buffering", out var accel), "X-Accel-Buffering header missing");
        Assert.Equal("no", Assert.Single(accel));
        Assert.Empty(stream.ContentHeaders.ContentEncoding);
    }

    [Fact]
    public async Task FirstFrameIsConnectedWithTheGivenClientIdAndNoIdLineAndArrivesAtOnce()
    {
        await using var cluster = await SseTestCluster.StartAsync();
        await using var stream = await cluster.ConnectRawAsync(0, SseTestCluster.StreamPath("alice"));

        // The first frame arrives without any publish or heartbeat to push it out.
        var frame = await stream.ReadUntilAsync("\n\n", TimeSpan.FromSeconds(5));

        var lines = frame.TrimEnd('\n').Split('\n');
        Assert.Contains("event: connected", lines);
        Assert.DoesNotContain(lines, l => l.StartsWith("id:", StringComparison.Ordinal));
        var data = Assert.Single(lines, l => l.StartsWith("data:", StringComparison.Ordinal));
        var json = JsonNode.Parse(data["data:".Length..])!;
        Assert.Equal("connected", json["status"]!.GetValue<string>());
        Assert.Equal("alice", json["client_id"]!.GetValue<string>());
        Assert.True(json["recovered"]!.GetValue<bool>()); // no cursor: nothing to recover
    }

    [Fact]
    public async Task ConnectWithoutClientIdGetsAGeneratedValidIdThatCanBeAddressed()
    {
        await using var cluster = await SseTestCluster.StartAsync();
        var api = new SiloApi(cluster.Silos[0].Http);

        await using var first = await cluster.ConnectAsync(0);
        await using var second = await cluster.ConnectAsync(0);

        var id = first.Connected!.ClientId;
        Assert.True(SseNames.IsValidKey(id), $"generated id '{id}' is not a valid client id");
        Assert.NotEqual(id, second.Connected!.ClientId);
        Assert.Null(first.Connected.Event.Id);

        var (sentId, online) = await api.SendAsync(id, "to-generated");
        Assert.True(online);
        var evt = await first.NextAsync(Wait.Timeout);
        Assert.Equal("to-generated", evt.Data);
        Assert.Equal(sentId, evt.Id);
    }

    [Fact]
    public async Task RetryHintIsSentWithTheConfiguredMilliseconds()
    {
        await using var cluster = await SseTestCluster.StartAsync(new SseTestClusterOptions
        {
            Settings = { ["OrleansSse:Stream:RetryMilliseconds"] = "1234" },
        });
        await using var stream = await cluster.ConnectRawAsync(0, SseTestCluster.StreamPath("r1"));

        var text = await stream.ReadUntilAsync("retry:", TimeSpan.FromSeconds(5));
        text += await stream.ReadUntilAsync("\n", TimeSpan.FromSeconds(5));

        Assert.Matches(new Regex(@"(^|\n)retry: ?1234\n$"), text);
    }

    [Fact]
    public async Task HeartbeatCommentsArriveAtTheConfiguredInterval()
    {
        await using var cluster = await SseTestCluster.StartAsync(new SseTestClusterOptions
        {
            Settings = { ["OrleansSse:Stream:HeartbeatInterval"] = "00:00:00.200" },
        });
        await using var stream = await cluster.ConnectRawAsync(0, SseTestCluster.StreamPath("hb"));

        await stream.ReadUntilAsync(": heartbeat\n", TimeSpan.FromSeconds(5));
        await stream.ReadUntilAsync(": heartbeat\n", TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task EventsCarryIdsInEpochPositionFormThatIncrease()
    {
        await using var cluster = await SseTestCluster.StartAsync();
        var api = new SiloApi(cluster.Silos[0].Http);
        await using var alice = await cluster.ConnectAsync(0, "alice");

        await api.SendAsync("alice", "one");
        await api.SendAsync("alice", "two");
        var events = await alice.CollectAsync(2, Wait.Timeout);

        Assert.True(EventCursor.TryParse(events[0].Id, out var a), $"id '{events[0].Id}' is not epoch-position");
        Assert.True(EventCursor.TryParse(events[1].Id, out var b), $"id '{events[1].Id}' is not epoch-position");
        Assert.Equal(a.Epoch, b.Epoch);
        Assert.True(b.Position > a.Position);
        Assert.Equal(events[1].Id, alice.LastEventId);
        Assert.All(events, e => Assert.Equal("message", e.Type));
    }
}

using System.Net.ServerSentEvents;
using System.Text;
using System.Text.Json.Nodes;
using OrleansSse.Testing;

namespace OrleansSse.Silo.Tests;

/// <summary>How data becomes SSE bytes: exact lines first, then a round trip through <see cref="SseParser"/>.</summary>
public sealed class EncodingTests
{
    [Fact]
    public async Task MultiLineDataArrivesAsOneDataLinePerLineAndParsesBackWithLfOnly()
    {
        await using var cluster = await SseTestCluster.StartAsync();
        var api = new SiloApi(cluster.Silos[0].Http);
        await using var stream = await cluster.ConnectRawAsync(0, SseTestCluster.StreamPath("m"));
        await stream.ReadUntilAsync("event: connected", Wait.Timeout);
        await stream.ReadUntilAsync("\n\n", Wait.Timeout);

        var (id, _) = await api.SendAsync("m", "a\nb\r\nc\rd");
        var frame = await ReadEventFrameAsync(stream, id);

        var dataLines = frame.Split('\n').Where(l => l.StartsWith("data:", StringComparison.Ordinal)).ToArray();
        Assert.Equal(["data: a", "data: b", "data: c", "data: d"], dataLines);
        var parsed = Assert.Single(Parse(frame));
        Assert.Equal("a\nb\nc\nd", parsed.Data);
        Assert.Equal(id, parsed.EventId);
    }

    [Fact]
    public async Task PayloadTryingToForgeFieldsAndASecondEventStaysDataOfOneEvent()
    {
        const string forged = "x\n\nevent: admin\ndata: pwn";
        await using var cluster = await SseTestCluster.StartAsync();
        var api = new SiloApi(cluster.Silos[0].Http);
        await using var raw = await cluster.ConnectRawAsync(0, SseTestCluster.StreamPath("victim"));
        await raw.ReadUntilAsync("event: connected", Wait.Timeout);
        await raw.ReadUntilAsync("\n\n", Wait.Timeout);
        await using var parsed = await cluster.ConnectAsync(0, "victim");

        var (id, _) = await api.SendAsync("victim", forged);
        var marker = await api.BroadcastAsync("marker");

        var frame = await ReadEventFrameAsync(raw, id);
        Assert.DoesNotContain("\nevent: admin", "\n" + frame, StringComparison.Ordinal);
        Assert.Equal(new SseTestEvent("message", forged, id), await parsed.NextAsync(Wait.Timeout));
        Assert.Equal(marker, (await parsed.NextAsync(Wait.Timeout)).Id);
    }

    [Theory]
    [InlineData("""{ "a" : 1, "b" : [ true, null ], "c" : { "d" : "e" } }""", """{"a":1,"b":[true,null],"c":{"d":"e"}}""")]
    [InlineData("42.5", "42.5")]
    [InlineData("true", "true")]
    [InlineData("[ 1 , 2 ]", "[1,2]")]
    [InlineData("\"plain text\"", "plain text")]
    public async Task JsonDataOtherThanAStringArrivesAsCompactJson(string dataJson, string expected)
    {
        await using var cluster = await SseTestCluster.StartAsync();
        var api = new SiloApi(cluster.Silos[0].Http);
        await using var c = await cluster.ConnectAsync(0, "c");

        var (id, _) = await api.SendAsync("c", JsonNode.Parse(dataJson));

        Assert.Equal(new SseTestEvent("message", expected, id), await c.NextAsync(Wait.Timeout));
    }

    [Fact]
    public async Task UnicodeDataSurvivesTheRoundTrip()
    {
        const string text = "héllo 世界 🚀";
        await using var cluster = await SseTestCluster.StartAsync();
        var api = new SiloApi(cluster.Silos[0].Http);
        await using var c = await cluster.ConnectAsync(0, "c");

        await api.SendAsync("c", text);

        Assert.Equal(text, (await c.NextAsync(Wait.Timeout)).Data);
    }

    [Fact]
    public async Task JsonDataIsNotHtmlEscaped()
    {
        await using var cluster = await SseTestCluster.StartAsync();
        var api = new SiloApi(cluster.Silos[0].Http);
        await using var c = await cluster.ConnectAsync(0, "c");

        var (id, _) = await api.SendAsync("c", JsonNode.Parse("""{"t":"<é>&'\"\n"}"""));

        Assert.Equal(new SseTestEvent("message", """{"t":"<é>&'\"\n"}""", id), await c.NextAsync(Wait.Timeout));
    }

    /// <summary>Reads frames until the one carrying <paramref name="id"/>, skipping comments; returns it with its terminating blank line.</summary>
    private static async Task<string> ReadEventFrameAsync(SseRawConnection stream, string id)
    {
        while (true)
        {
            var frame = await stream.ReadUntilAsync("\n\n", Wait.Timeout);
            if (frame.Split('\n').Any(l => l == "id: " + id || l == "id:" + id))
            {
                return frame;
            }
        }
    }

    private static List<SseItem<string>> Parse(string frame)
    {
        var parser = SseParser.Create(new MemoryStream(Encoding.UTF8.GetBytes(frame)), static (_, bytes) => Encoding.UTF8.GetString(bytes));
        return [.. parser.Enumerate()];
    }
}

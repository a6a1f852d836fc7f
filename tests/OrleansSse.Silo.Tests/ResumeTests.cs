using OrleansSse.Testing;

namespace OrleansSse.Silo.Tests;

/// <summary>Reconnecting with a cursor: everything missed once, in order, then live; or <c>"recovered": false</c>.</summary>
public sealed class ResumeTests
{
    [Fact]
    public async Task ResumeWithLastEventIdHeaderReplaysDirectGroupAndBroadcastOnceInOrderThenLive()
    {
        await using var cluster = await SseTestCluster.StartAsync();
        await ResumeScenario.RunAsync(cluster, publishSilo: 0, firstSilo: 0, resumeSilo: 0, (lastId) =>
            cluster.ConnectAsync(0, "r", lastEventId: lastId, useHeader: true));
    }

    [Fact]
    public async Task ResumeWithLastEventIdQueryReplaysDirectGroupAndBroadcastOnceInOrderThenLive()
    {
        await using var cluster = await SseTestCluster.StartAsync();
        await ResumeScenario.RunAsync(cluster, publishSilo: 0, firstSilo: 0, resumeSilo: 0, (lastId) =>
            cluster.ConnectAsync(0, "r", lastEventId: lastId, useHeader: false));
    }

    [Fact]
    public async Task LastEventIdHeaderWinsOverTheQueryParameter()
    {
        await using var cluster = await SseTestCluster.StartAsync();
        await ResumeScenario.RunAsync(cluster, publishSilo: 0, firstSilo: 0, resumeSilo: 0, (lastId) =>
            cluster.ConnectPathAsync(
                0,
                SseTestCluster.StreamPath("r", lastEventId: "garbage-not-a-cursor!"),
                new Dictionary<string, string> { ["Last-Event-ID"] = lastId }));
    }

    [Fact]
    public async Task CursorOlderThanRetentionResumesUnrecoveredAndTheStreamStillWorks()
    {
        await using var cluster = await SseTestCluster.StartAsync(new SseTestClusterOptions
        {
            Settings = { ["OrleansSse:Retention:MaxEventsPerStream"] = "5" },
        });
        var api = new SiloApi(cluster.Silos[0].Http);
        var first = await cluster.ConnectAsync(0, "r");
        var (seen, _) = await api.SendAsync("r", "seen");
        Assert.Equal(seen, (await first.NextAsync(Wait.Timeout)).Id);
        await first.DisposeAsync();
        for (var i = 0; i < 10; i++)
        {
            await api.SendAsync("r", $"missed-{i}");
        }

        await using var resumed = await cluster.ConnectAsync(0, "r", lastEventId: seen);

        Assert.False(resumed.Connected!.Recovered);
        await AssertLiveAsync(api, resumed, "r");
    }

    [Theory]
    [InlineData("otherepoch-1")]
    [InlineData("not a cursor")]
    [InlineData("abc-")]
    [InlineData("-5")]
    public async Task CursorFromAnotherEpochOrUnparseableResumesUnrecoveredAndTheStreamStillWorks(string cursor)
    {
        await using var cluster = await SseTestCluster.StartAsync();
        var api = new SiloApi(cluster.Silos[0].Http);
        await api.SendAsync("r", "before");

        await using var resumed = await cluster.ConnectAsync(0, "r", lastEventId: cursor);

        Assert.False(resumed.Connected!.Recovered);
        await AssertLiveAsync(api, resumed, "r");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task EmptyLastEventIdIsNoCursor_StartsLiveRecoveredWithoutReplay(bool useHeader)
    {
        await using var cluster = await SseTestCluster.StartAsync();
        var api = new SiloApi(cluster.Silos[0].Http);
        await api.SendAsync("r", "before");

        await using var stream = await cluster.ConnectAsync(0, "r", lastEventId: "", useHeader: useHeader);

        Assert.True(stream.Connected!.Recovered);
        var (live, _) = await api.SendAsync("r", "live");
        var first = await stream.NextAsync(Wait.Timeout);
        Assert.Equal(("live", live), (first.Data, first.Id)); // "before" is not replayed
    }

    [Fact]
    public async Task CursorFromTheFutureOfThisEpochResumesUnrecovered()
    {
        await using var cluster = await SseTestCluster.StartAsync();
        var api = new SiloApi(cluster.Silos[0].Http);
        var (id, _) = await api.SendAsync("r", "x");
        Assert.True(EventCursor.TryParse(id, out var cursor));

        await using var resumed = await cluster.ConnectAsync(0, "r", lastEventId: (cursor with { Position = cursor.Position + 1000 }).ToString());

        Assert.False(resumed.Connected!.Recovered);
        await AssertLiveAsync(api, resumed, "r");
    }

    [Fact]
    public async Task ResumeCountersRiseInMetrics()
    {
        await using var cluster = await SseTestCluster.StartAsync();
        var silo = cluster.Silos[0];
        var resumes = await silo.ReadMetricAsync("orleanssse_resumes_total");
        var unrecovered = await silo.ReadMetricAsync("orleanssse_resumes_unrecovered_total");

        await using var c = await cluster.ConnectAsync(0, "r", lastEventId: "otherepoch-1");

        Assert.Equal(resumes + 1, await silo.ReadMetricAsync("orleanssse_resumes_total"));
        Assert.Equal(unrecovered + 1, await silo.ReadMetricAsync("orleanssse_resumes_unrecovered_total"));
    }

    private static async Task AssertLiveAsync(SiloApi api, SseTestConnection connection, string clientId)
    {
        var (live, _) = await api.SendAsync(clientId, "live-after-resume");
        var evt = await connection.NextAsync(e => e.Data == "live-after-resume", Wait.Timeout);
        Assert.Equal(live, evt.Id);
    }
}

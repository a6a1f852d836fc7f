using System.Net;
using System.Text.Json.Nodes;
using OrleansSse.Testing;

namespace OrleansSse.Silo.Tests;

/// <summary>
/// The README's Metrics list beyond what <see cref="OperationsTests"/> covers: every metric it
/// names is exposed with its type, <c>orleanssse_backplane_messages_total</c> counts one message
/// per event per silo (not per connection), and the AI gauges move through a real silo.
/// </summary>
public sealed class MetricsCoverageTests
{
    public static TheoryData<string, string> Documented => new()
    {
        { "orleanssse_connections_active", "gauge" },
        { "orleanssse_connections_total", "counter" },
        { "orleanssse_connections_rejected_total", "counter" },
        { "orleanssse_events_published_total", "counter" },
        { "orleanssse_backplane_messages_total", "counter" },
        { "orleanssse_frames_written_total", "counter" },
        { "orleanssse_frames_dropped_total", "counter" },
        { "orleanssse_frames_coalesced_total", "counter" },
        { "orleanssse_slow_consumer_disconnects_total", "counter" },
        { "orleanssse_resumes_total", "counter" },
        { "orleanssse_resumes_unrecovered_total", "counter" },
        { "orleanssse_watermarks_total", "counter" },
        { "orleanssse_ai_answers_running", "gauge" },
        { "orleanssse_ai_answers_refused_total", "counter" },
        { "process_working_set_bytes", "gauge" },
        { "dotnet_gc_heap_bytes", "gauge" },
        { "dotnet_gc_fragmented_bytes", "gauge" },
        { "dotnet_gc_committed_bytes", "gauge" },
        { "dotnet_gc_allocated_bytes_total", "counter" },
        { "dotnet_gc_collections_total", "counter" },
    };

    [Theory]
    [MemberData(nameof(Documented))]
    public async Task EveryDocumentedMetricIsExposedWithItsType(string name, string type)
    {
        await using var cluster = await SseTestCluster.StartAsync();

        var text = await cluster.Silos[0].Http.GetStringAsync("/metrics");

        Assert.Contains($"# TYPE {name} {type}\n", text, StringComparison.Ordinal);
        await cluster.Silos[0].ReadMetricAsync(name);
    }

    [Fact]
    public async Task ProcessAndGcMetricsReportTheRunningProcess()
    {
        await using var cluster = await SseTestCluster.StartAsync();
        var silo = cluster.Silos[0];

        var text = await silo.Http.GetStringAsync("/metrics");

        Assert.True(await silo.ReadMetricAsync("process_working_set_bytes") > 1024 * 1024);
        Assert.True(await silo.ReadMetricAsync("dotnet_gc_committed_bytes") > 0);
        Assert.True(await silo.ReadMetricAsync("dotnet_gc_allocated_bytes_total") > 0);
        foreach (var generation in new[] { "0", "1", "2" })
        {
            Assert.Matches($@"(?m)^dotnet_gc_collections_total\{{generation=""{generation}""\}} \d+$", text);
        }
    }

    [Fact]
    public async Task BackplaneMessagesCountOnePerEventPerSiloThatFollowsItWhateverItsConnections()
    {
        await using var cluster = await SseTestCluster.StartAsync(new SseTestClusterOptions { Silos = 2 });
        var api = new SiloApi(cluster.Silos[0].Http);
        var onZero = new List<SseTestConnection>();
        for (var i = 0; i < 3; i++)
        {
            onZero.Add(await cluster.ConnectAsync(0, $"zero-{i}"));
        }

        var onOne = await cluster.ConnectAsync(1, "one");
        var before = await CountsAsync(cluster);

        await api.BroadcastAsync("everyone");
        foreach (var stream in onZero.Append(onOne))
        {
            await stream.NextAsync(Wait.Timeout);
        }

        Assert.Equal((before.Zero + 1, before.One + 1), await CountsAsync(cluster));

        // A send to a client on silo 0 is a message for silo 0 only.
        await api.SendAsync("zero-0", "direct");
        await onZero[0].NextAsync(Wait.Timeout);
        Assert.Equal((before.Zero + 2, before.One + 1), await CountsAsync(cluster));
    }

    [Fact]
    public async Task APromptRefusedAtMaxConcurrentAnswersCountsAsRefusedWhileTheRunningOneStreams()
    {
        await using var cluster = await SseTestCluster.StartAsync(new SseTestClusterOptions
        {
            Settings =
            {
                ["OrleansSse:Ai:MaxConcurrentAnswers"] = "1",
                ["OrleansSse:Ai:TokenDelay"] = "00:00:00.200", // the answer runs for seconds
            },
        });
        var silo = cluster.Silos[0];
        var api = new SiloApi(silo.Http);
        await using var asker = await cluster.ConnectAsync(0, "asker");

        using (var accepted = await api.PostAsync("/api/ai/stream-chat", """{"prompt":"what is SSE?","client_id":"asker"}"""))
        {
            Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        }

        var first = await asker.NextAsync(Wait.Timeout);
        Assert.Equal("ai_response", first.Type);
        Assert.False(JsonNode.Parse(first.Data)!["done"]!.GetValue<bool>());
        Assert.Equal(1, await silo.ReadMetricAsync("orleanssse_ai_answers_running"));

        using (var refused = await api.PostAsync("/api/ai/stream-chat", """{"prompt":"me too","client_id":"other"}"""))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(5), refused.Headers.RetryAfter?.Delta);
        }

        Assert.Equal(1, await silo.ReadMetricAsync("orleanssse_ai_answers_refused_total"));
        Assert.Equal(1, await silo.ReadMetricAsync("orleanssse_ai_answers_running"));
    }

    private static async Task<(double Zero, double One)> CountsAsync(SseTestCluster cluster) =>
        (await cluster.Silos[0].ReadMetricAsync("orleanssse_backplane_messages_total"),
         await cluster.Silos[1].ReadMetricAsync("orleanssse_backplane_messages_total"));
}

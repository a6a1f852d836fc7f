using System.Net;
using Microsoft.Extensions.DependencyInjection;
using OrleansSse.Testing;

namespace OrleansSse.Silo.Tests;

/// <summary><c>/healthz</c>, <c>/metrics</c> and the demo page.</summary>
public sealed class OperationsTests
{
    public static TheoryData<string> Counters =>
    [
        "orleanssse_connections_active",
        "orleanssse_connections_total",
        "orleanssse_events_published_total",
        "orleanssse_frames_written_total",
        "orleanssse_frames_dropped_total",
        "orleanssse_frames_coalesced_total",
        "orleanssse_slow_consumer_disconnects_total",
        "orleanssse_resumes_total",
        "orleanssse_resumes_unrecovered_total",
        "orleanssse_ai_answers_running",
        "orleanssse_ai_answers_refused_total",
    ];

    [Fact]
    public async Task HealthzAnswers200()
    {
        await using var cluster = await SseTestCluster.StartAsync();

        using var response = await cluster.Silos[0].Http.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task HealthzAnswersHeadProbes()
    {
        await using var cluster = await SseTestCluster.StartAsync();

        using var response = await cluster.Silos[0].Http.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/healthz"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("GET", "/api/nothing", 404, "Nothing answers GET /api/nothing.")]
    [InlineData("DELETE", "/", 404, "Nothing answers DELETE /.")]
    [InlineData("GET", "/api/sse/send", 405, "GET is not allowed on /api/sse/send; allowed: POST.")]
    [InlineData("POST", "/api/sse", 405, "POST is not allowed on /api/sse; allowed: GET.")]
    [InlineData("DELETE", "/api/sse/broadcast", 405, "DELETE is not allowed on /api/sse/broadcast; allowed: POST.")]
    public async Task UnknownPathsAndMethodsGetAProblemBodyWithADetail(string method, string path, int expected, string detail)
    {
        await using var cluster = await SseTestCluster.StartAsync();

        using var response = await cluster.Silos[0].Http.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(expected, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains($"\"status\":{expected}", body, StringComparison.Ordinal);
        using var problem = System.Text.Json.JsonDocument.Parse(body);
        Assert.Equal(detail, problem.RootElement.GetProperty("detail").GetString());
    }

    [Theory]
    [MemberData(nameof(Counters))]
    public async Task MetricsExposeTheCounterInPrometheusText(string name)
    {
        await using var cluster = await SseTestCluster.StartAsync();

        using var response = await cluster.Silos[0].Http.GetAsync("/metrics");
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains($"# TYPE {name} ", text, StringComparison.Ordinal);
        Assert.Equal(0, await cluster.Silos[0].ReadMetricAsync(name));
    }

    [Fact]
    public async Task MetricsCountConnectionsEventsAndFrames()
    {
        await using var cluster = await SseTestCluster.StartAsync();
        var silo = cluster.Silos[0];
        var api = new SiloApi(silo.Http);
        await using var a = await cluster.ConnectAsync(0, "a");
        var b = await cluster.ConnectAsync(0, "b");

        await api.BroadcastAsync("x");
        await a.NextAsync(Wait.Timeout);
        await b.NextAsync(Wait.Timeout);

        Assert.Equal(2, await silo.ReadMetricAsync("orleanssse_connections_active"));
        Assert.Equal(2, await silo.ReadMetricAsync("orleanssse_connections_total"));
        Assert.Equal(1, await silo.ReadMetricAsync("orleanssse_events_published_total"));
        await Wait.UntilAsync(async () => await silo.ReadMetricAsync("orleanssse_frames_written_total") >= 2, "frames_written_total >= 2");

        // Publishes through the grains in the silo's process (AI streaming, embedded callers) count too, once each.
        var grains = silo.Services.GetRequiredService<ISseCluster>();
        await grains.GetClient("a").SendAsync(SseEvent.Message("in-process"));
        await grains.GetGroup("nobody-here").SendAsync(SseEvent.Message("in-process"));
        await grains.GetBroadcast().SendAsync(SseEvent.Message("in-process"));
        Assert.Equal(4, await silo.ReadMetricAsync("orleanssse_events_published_total"));

        await b.DisposeAsync();
        await Wait.UntilAsync(async () => await silo.ReadMetricAsync("orleanssse_connections_active") == 1, "connections_active back to 1");
        Assert.Equal(2, await silo.ReadMetricAsync("orleanssse_connections_total"));
    }

    [Fact]
    public async Task RootServesTheHtmlDemoPage()
    {
        await using var cluster = await SseTestCluster.StartAsync();

        using var response = await cluster.Silos[0].Http.GetAsync("/");
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<html", html, StringComparison.OrdinalIgnoreCase);
    }
}

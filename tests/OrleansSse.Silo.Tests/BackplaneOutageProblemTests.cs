using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using OrleansSse.Redis.Tests;
using OrleansSse.Security.Tests;
using OrleansSse.Testing;

namespace OrleansSse.Silo.Tests;

/// <summary>
/// A silo on a real redis-server that stopped: its 503 tells the caller which request failed and
/// when to retry, never Redis' address or its client's internals; the log has the whole error.
/// </summary>
public sealed class BackplaneOutageProblemTests
{
    [Fact]
    public async Task RedisDown_The503HasAFixedDetail_AndTheLogHasTheFullError()
    {
        await using var redis = new RedisServerFixture();
        await redis.StartAsync();
        var logs = new LogCapture(LogLevel.Warning);
        await using var cluster = await SseTestCluster.StartAsync(new SseTestClusterOptions
        {
            Backplane = SseTestBackplane.Redis(redis.Configuration),
            Configure = b => b.Logging.AddProvider(logs),
        });
        var api = new SiloApi(cluster.Silos[0].Http);
        await api.BroadcastAsync("while up");

        await redis.StopAsync(keepData: false);
        using var send = await api.PostAsync("/api/sse/send", """{"client_id":"alice","data":"while down"}""");
        using var info = await api.Http.GetAsync("/api/sse/clients/alice");

        await AssertProblemAsync(send, redis.Port,
            "The backplane is unavailable, so POST /api/sse/send could not be completed; retry after 2 s. "
            + "It may still have taken effect if the backplane failed after taking it, so a retry may repeat it.");
        await AssertProblemAsync(info, redis.Port, "The backplane is unavailable, so GET /api/sse/clients/alice could not be served; retry after 2 s.");
        var logged = Assert.Single(logs.Entries, e => e.Id.Id == 1 && e.Message.Contains("POST /api/sse/send", StringComparison.Ordinal));
        Assert.Equal(LogLevel.Warning, logged.Level);
        var error = Assert.IsType<BackplaneUnavailableException>(logged.Exception);
        Assert.Contains("Redis", error.Message, StringComparison.Ordinal);
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, int redisPort, string detail)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"{(int)response.StatusCode} {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(TimeSpan.FromSeconds(2), response.Headers.RetryAfter?.Delta);
        using var problem = JsonDocument.Parse(text);
        Assert.Equal(SseProblemTypes.BackplaneUnavailable, problem.RootElement.GetProperty("type").GetString());
        Assert.Equal(detail, problem.RootElement.GetProperty("detail").GetString());
        Assert.DoesNotContain("Redis", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(redisPort.ToString(CultureInfo.InvariantCulture), text, StringComparison.Ordinal);
    }
}

using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using OrleansSse.Testing;

namespace OrleansSse.Silo.Tests;

/// <summary>
/// <c>Limits:RetryAfterSeconds</c> (default 5) is the <c>Retry-After</c> of <c>GET /api/sse</c>'s
/// 429 (per IP, per client) and 503 (silo full) (README configuration table).
/// </summary>
public sealed class RetryAfterTests
{
    [Theory]
    [InlineData(null, 5)]
    [InlineData("7", 7)]
    public async Task EveryConnectionLimitRefusalCarriesRetryAfterSeconds(string? configured, int expected)
    {
        await using var perClient = await StartAsync(configured, ("MaxConnectionsPerClient", "1"));
        await using var a = await perClient.ConnectAsync(0, "a");
        await using var secondForA = await perClient.ConnectAsync(0, "a");

        await using var perIp = await StartAsync(configured, ("MaxConnectionsPerIp", "1"));
        await using var b = await perIp.ConnectAsync(0, "b");
        await using var secondFromIp = await perIp.ConnectAsync(0, "c");

        await using var full = await StartAsync(configured, ("MaxConnections", "1"));
        await using var d = await full.ConnectAsync(0, "d");
        await using var pastFull = await full.ConnectAsync(0, "e");

        AssertRefused(secondForA, HttpStatusCode.TooManyRequests, expected);
        AssertRefused(secondFromIp, HttpStatusCode.TooManyRequests, expected);
        AssertRefused(pastFull, HttpStatusCode.ServiceUnavailable, expected);
    }

    private static Task<SseTestCluster> StartAsync(string? retryAfter, (string Key, string Value) limit)
    {
        var options = new SseTestClusterOptions { Settings = { ["OrleansSse:Limits:" + limit.Key] = limit.Value } };
        if (retryAfter is not null)
        {
            options.Settings["OrleansSse:Limits:RetryAfterSeconds"] = retryAfter;
        }

        return SseTestCluster.StartAsync(options);
    }

    private static void AssertRefused(SseTestConnection refused, HttpStatusCode status, int retryAfter)
    {
        Assert.Equal(status, refused.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(retryAfter), refused.Headers.RetryAfter?.Delta);
        Assert.Equal(retryAfter.ToString(CultureInfo.InvariantCulture), refused.Headers.GetValues("Retry-After").Single());
        Assert.Equal((int)status, JsonNode.Parse(refused.ErrorBody!)!["status"]!.GetValue<int>());
    }
}

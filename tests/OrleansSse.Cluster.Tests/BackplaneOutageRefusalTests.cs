using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using OrleansSse.Redis.Tests;
using OrleansSse.Testing;

namespace OrleansSse.Cluster.Tests;

/// <summary>
/// While Redis is down, every API call that needs it answers 503 with <c>Retry-After: 2</c> and the
/// problem <c>type</c> <c>urn:orleanssse:problem:backplane-unavailable</c> (README refusals): never a
/// silent drop, and distinguishable from a full or stopping silo. Its own redis-server, stopped.
/// </summary>
public sealed class BackplaneOutageRefusalTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    public static TheoryData<string, string, string?> Calls => new()
    {
        { "POST", "/api/sse/send", """{"client_id":"ann","data":"down"}""" },
        { "POST", "/api/sse/broadcast", """{"data":"down"}""" },
        { "POST", "/api/sse/groups/team/send", """{"data":"down"}""" },
        { "PUT", "/api/sse/groups/team/clients/ann", null },
        { "DELETE", "/api/sse/groups/team/clients/ann", null },
        { "GET", "/api/sse/groups/team", null },
        { "GET", "/api/sse/clients/ann", null },
        { "POST", "/api/sse/clients/ann/disconnect", null },
        { "GET", "/api/sse?client_id=bob", null },
    };

    [Fact]
    public async Task EveryCallThatNeedsTheBackplaneIs503WithRetryAfter2AndTheBackplaneProblemType()
    {
        await using var cluster = await RedisCluster.StartAsync(redis, silos: 1);
        var silo = cluster.Silos[0];
        await redis.StopAsync(keepData: false);
        await Health.UntilAllAsync(cluster, "degraded");

        var failures = new List<string>();
        foreach (var (method, path, json) in Calls.Select(row => ((string)row[0], (string)row[1], (string?)row[2])))
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), path);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(path.StartsWith("/api/sse?", StringComparison.Ordinal) ? "text/event-stream" : "application/json"));
            if (json is not null)
            {
                request.Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
            }

            using var response = await silo.Http.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            var type = response.Content.Headers.ContentType?.MediaType == "application/problem+json"
                ? JsonNode.Parse(body)?["type"]?.GetValue<string>()
                : null;
            if (response.StatusCode != HttpStatusCode.ServiceUnavailable
                || response.Headers.RetryAfter?.Delta != TimeSpan.FromSeconds(2)
                || type != "urn:orleanssse:problem:backplane-unavailable")
            {
                failures.Add($"{method} {path}: {(int)response.StatusCode}, Retry-After {response.Headers.RetryAfter}, {body}");
            }
        }

        Assert.True(failures.Count == 0, "while Redis was down:\n" + string.Join("\n", failures));
    }
}

using System.Net;
using System.Text.Json.Nodes;
using OrleansSse.Testing;

namespace OrleansSse.Cluster.Tests;

/// <summary>A silo's <c>GET /healthz</c>: its status code and body.</summary>
internal sealed record Health(HttpStatusCode StatusCode, string Status, string? Reason, string Body)
{
    public static async Task<Health> ReadAsync(SseTestSilo silo)
    {
        using var response = await silo.Http.GetAsync("/healthz");
        var body = await response.Content.ReadAsStringAsync();
        var json = JsonNode.Parse(body)!;
        return new Health(response.StatusCode, json["status"]!.GetValue<string>(), json["reason"]?.GetValue<string>(), body);
    }

    /// <summary>Waits until every running silo reports <paramref name="status"/>.</summary>
    public static Task UntilAllAsync(SseTestCluster cluster, string status, TimeSpan? timeout = null) =>
        Wait.UntilAsync(
            async () =>
            {
                foreach (var silo in cluster.Silos.Where(s => s.IsRunning))
                {
                    if ((await ReadAsync(silo)).Status != status)
                    {
                        return false;
                    }
                }

                return true;
            },
            $"/healthz says '{status}' on every silo",
            timeout);
}

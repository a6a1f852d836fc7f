using System.Net;
using OrleansSse.Testing;

namespace OrleansSse.Silo.Tests;

/// <summary>A method an API path does not take: 405 "with <c>Allow</c>" (README refusals) naming the methods it does take.</summary>
public sealed class MethodNotAllowedTests
{
    [Theory]
    [InlineData("GET", "/api/sse/send", "POST")]
    [InlineData("POST", "/api/sse", "GET")]
    [InlineData("DELETE", "/api/sse/broadcast", "POST")]
    [InlineData("GET", "/api/sse/groups/team/send", "POST")]
    [InlineData("POST", "/api/sse/groups/team/clients/ann", "DELETE,PUT")]
    [InlineData("DELETE", "/api/sse/groups/team", "GET")]
    [InlineData("PUT", "/api/sse/clients/ann", "GET")]
    [InlineData("GET", "/api/sse/clients/ann/disconnect", "POST")]
    [InlineData("GET", "/api/ai/stream-chat", "POST")]
    [InlineData("POST", "/healthz", "GET,HEAD")]
    public async Task AMethodThePathDoesNotTakeIs405WithAnAllowHeaderListingTheOnesItTakes(string method, string path, string allowed)
    {
        await using var cluster = await SseTestCluster.StartAsync();

        using var response = await cluster.Silos[0].Http.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(allowed, string.Join(",", response.Content.Headers.Allow.Order(StringComparer.Ordinal)));
    }
}

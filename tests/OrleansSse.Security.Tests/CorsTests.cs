using System.Net;
using Microsoft.Extensions.Options;

namespace OrleansSse.Security.Tests;

public sealed class CorsTests
{
    private const string Allowed = "https://app.example.com";

    [Fact]
    public async Task Preflight_FromListedOrigin_AllowsAuthorizationAndContentType()
    {
        await using var silo = await TestSilo.StartAsync(TestSilo.Secure(
            ("OrleansSse:Cors:AllowedOrigins:0", Allowed), ("OrleansSse:Cors:AllowCredentials", "true")));

        using var response = await silo.SendAsync(Preflight("/api/sse/send", Allowed));

        Assert.True(response.IsSuccessStatusCode, $"preflight answered {(int)response.StatusCode}");
        Assert.Equal(Allowed, response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Equal("true", response.Headers.GetValues("Access-Control-Allow-Credentials").Single());
        var headers = string.Join(",", response.Headers.GetValues("Access-Control-Allow-Headers")).ToLowerInvariant();
        Assert.Contains("authorization", headers, StringComparison.Ordinal);
        Assert.Contains("content-type", headers, StringComparison.Ordinal);
        Assert.Equal(0, await silo.PublishedTotalAsync());
    }

    [Fact]
    public async Task Requests_FromUnlistedOrigin_GetNoCorsHeaders()
    {
        await using var silo = await TestSilo.StartAsync(TestSilo.Secure(("OrleansSse:Cors:AllowedOrigins:0", Allowed)));

        using var preflight = await silo.SendAsync(Preflight("/api/sse/send", "https://evil.example"));
        using var request = TestSilo.Request(HttpMethod.Get, "/api/sse/groups/team");
        request.Headers.Add("Origin", "https://evil.example");
        using var simple = await silo.SendAsync(request);

        Assert.False(preflight.Headers.Contains("Access-Control-Allow-Origin"));
        Assert.False(simple.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task Requests_FromListedOrigin_GetTheOriginBack_WithoutCredentialsByDefault()
    {
        await using var silo = await TestSilo.StartAsync(TestSilo.Secure(("OrleansSse:Cors:AllowedOrigins:0", Allowed)));
        using var request = TestSilo.Request(HttpMethod.Get, "/api/sse/groups/team");
        request.Headers.Add("Origin", Allowed);

        using var response = await silo.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Allowed, response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.False(response.Headers.Contains("Access-Control-Allow-Credentials"));
    }

    [Fact]
    public async Task NoOriginsConfigured_MeansNoCorsHeaders()
    {
        await using var silo = await TestSilo.StartAsync();
        using var preflight = await silo.SendAsync(Preflight("/api/sse/send", Allowed));
        Assert.False(preflight.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task WildcardWithCredentials_RefusesToStart()
    {
        var logs = new LogCapture();
        var config = new Dictionary<string, string?>
        {
            ["OrleansSse:Cors:AllowedOrigins:0"] = "*",
            ["OrleansSse:Cors:AllowCredentials"] = "true",
        };
        var app = TestSilo.Build(config, logs);
        await using (app)
        {
            var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());
            Assert.Contains("AllowCredentials", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ShortSigningKey_RefusesToStart()
    {
        var app = TestSilo.Build(new() { ["OrleansSse:Auth:SubscriberSigningKeys:0"] = "too-short" }, new LogCapture());
        await using (app)
        {
            await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());
        }
    }

    private static HttpRequestMessage Preflight(string path, string origin)
    {
        var request = new HttpRequestMessage(HttpMethod.Options, path);
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("Access-Control-Request-Headers", "authorization,content-type");
        return request;
    }
}

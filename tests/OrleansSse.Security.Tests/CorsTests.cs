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
        Assert.False(preflight.Headers.Contains("Vary"));
    }

    // One listed origin: ASP.NET Core's CORS middleware sends no Vary at all, yet the answer still
    // depends on Origin (the header is there for the listed origin only), so a shared cache could
    // hand one origin's answer to another.
    [Theory]
    [InlineData(Allowed)]
    [InlineData("https://evil.example")]
    [InlineData(null)]
    public async Task Requests_WithOneListedOrigin_VaryByOrigin_WhateverTheirOrigin(string? origin)
    {
        await using var silo = await TestSilo.StartAsync(TestSilo.Secure(("OrleansSse:Cors:AllowedOrigins:0", Allowed)));
        using var request = TestSilo.Request(HttpMethod.Get, "/api/sse/groups/team");
        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        using var response = await silo.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        AssertVariesByOriginOnce(response);
        Assert.Equal(origin == Allowed, response.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Theory]
    [InlineData(Allowed)]
    [InlineData("https://evil.example")]
    public async Task Preflights_WithOneListedOrigin_VaryByOrigin(string origin)
    {
        await using var silo = await TestSilo.StartAsync(TestSilo.Secure(("OrleansSse:Cors:AllowedOrigins:0", Allowed)));

        using var response = await silo.SendAsync(Preflight("/api/sse/send", origin));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        AssertVariesByOriginOnce(response);
        Assert.Equal(origin == Allowed, response.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task Stream_FromTheOneListedOrigin_VariesByOrigin()
    {
        await using var silo = await TestSilo.StartAsync(TestSilo.Secure(("OrleansSse:Cors:AllowedOrigins:0", Allowed)));

        await using var stream = await silo.OpenStreamAsync("?client_id=alice", TestTokens.For("alice"), r => r.Headers.Add("Origin", Allowed));

        Assert.Equal(HttpStatusCode.OK, stream.Response.StatusCode);
        Assert.Equal("alice", await stream.ConnectedAsync());
        Assert.Equal(Allowed, stream.Response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        AssertVariesByOriginOnce(stream.Response);
    }

    // Several listed origins: the CORS middleware adds Vary: Origin itself on answers to a listed
    // origin; the silo adds it everywhere else and never twice.
    [Fact]
    public async Task SeveralListedOrigins_EveryResponseVariesByOriginOnce()
    {
        await using var silo = await TestSilo.StartAsync(TestSilo.Secure(
            ("OrleansSse:Cors:AllowedOrigins:0", Allowed), ("OrleansSse:Cors:AllowedOrigins:1", "https://other.example")));

        using var listed = TestSilo.Request(HttpMethod.Get, "/api/sse/groups/team");
        listed.Headers.Add("Origin", Allowed);
        using var listedResponse = await silo.SendAsync(listed);
        using var unlisted = TestSilo.Request(HttpMethod.Get, "/api/sse/groups/team");
        unlisted.Headers.Add("Origin", "https://evil.example");
        using var unlistedResponse = await silo.SendAsync(unlisted);
        using var preflight = await silo.SendAsync(Preflight("/api/sse/send", Allowed));
        await using var stream = await silo.OpenStreamAsync("?client_id=alice", TestTokens.For("alice"), r => r.Headers.Add("Origin", Allowed));

        Assert.Equal(Allowed, listedResponse.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Equal("alice", await stream.ConnectedAsync());
        AssertVariesByOriginOnce(listedResponse);
        AssertVariesByOriginOnce(unlistedResponse);
        AssertVariesByOriginOnce(preflight);
        AssertVariesByOriginOnce(stream.Response);
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

    private static void AssertVariesByOriginOnce(HttpResponseMessage response)
    {
        var vary = response.Headers.TryGetValues("Vary", out var values)
            ? values.SelectMany(v => v.Split(',', StringSplitOptions.TrimEntries)).ToList()
            : [];
        Assert.Single(vary, v => string.Equals(v, "Origin", StringComparison.OrdinalIgnoreCase));
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

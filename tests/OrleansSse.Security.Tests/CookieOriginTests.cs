using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace OrleansSse.Security.Tests;

/// <summary>
/// A subscriber token from the cookie counts only on requests from the silo's own origin or a listed
/// CORS origin: browsers attach the cookie to cross-site GETs (an img, a link, an EventSource on any
/// site), and GET /api/sse joins groups durably.
/// </summary>
public sealed class CookieOriginTests
{
    private const string Listed = "https://app.example.com";
    private const string Evil = "https://evil.example";
    private const string AttackQuery = "?groups=attacker-room,g2,g3";

    [Fact]
    public async Task CookieToken_FromAForeignOrigin_Is403_AndJoinsAndOpensNothing()
    {
        await using var silo = await TestSilo.StartAsync(TestSilo.Secure(("OrleansSse:Cors:AllowedOrigins:0", Listed)));

        await using var stream = await OpenWithCookieAsync(silo, AttackQuery, ("Origin", Evil), ("Sec-Fetch-Site", "cross-site"));

        await ProblemAssert.IsProblemAsync(stream.Response, HttpStatusCode.Forbidden);
        var detail = await ProblemAssert.DetailAsync(stream.Response);
        Assert.Contains("'orleanssse_token' cookie", detail, StringComparison.Ordinal);
        Assert.Contains($"Origin '{Evil}'", detail, StringComparison.Ordinal);
        var logged = Assert.Single(silo.Logs.Entries, e => e.Id.Id == 505);
        Assert.Equal(LogLevel.Information, logged.Level);
        Assert.StartsWith($"Subscriber token cookie refused (403): the request's Origin '{Evil}'", logged.Message, StringComparison.Ordinal);
        await AssertNothingJoinedOrOpenAsync(silo);
    }

    [Theory]
    [InlineData("null")]
    [InlineData("https://app.example.com.evil.example")]
    [InlineData("http://app.example.com")]
    [InlineData("https://app.example.com:8443")]
    [InlineData("https://app.example.com/path")]
    public async Task CookieToken_FromAnOriginOnlyResemblingAListedOne_Is403(string origin)
    {
        await using var silo = await TestSilo.StartAsync(TestSilo.Secure(("OrleansSse:Cors:AllowedOrigins:0", Listed)));

        await using var stream = await OpenWithCookieAsync(silo, AttackQuery, ("Origin", origin));

        await ProblemAssert.IsProblemAsync(stream.Response, HttpStatusCode.Forbidden);
        await AssertNothingJoinedOrOpenAsync(silo);
    }

    [Fact]
    public async Task CookieToken_WithTheWildcardCorsOrigin_IsStill403FromAForeignOrigin()
    {
        // "*" never goes with credentials, so it admits no page's cookie.
        await using var silo = await TestSilo.StartAsync(TestSilo.Secure(("OrleansSse:Cors:AllowedOrigins:0", "*")));

        await using var stream = await OpenWithCookieAsync(silo, AttackQuery, ("Origin", Evil));

        await ProblemAssert.IsProblemAsync(stream.Response, HttpStatusCode.Forbidden);
        await AssertNothingJoinedOrOpenAsync(silo);
    }

    [Theory]
    [InlineData(Listed)]
    [InlineData("https://APP.example.com:443")]
    public async Task CookieToken_FromAListedOrigin_Opens(string origin)
    {
        await using var silo = await TestSilo.StartAsync(TestSilo.Secure(
            ("OrleansSse:Cors:AllowedOrigins:0", "https://other.example.com"),
            ("OrleansSse:Cors:AllowedOrigins:1", Listed),
            ("OrleansSse:Cors:AllowCredentials", "true")));

        await using var stream = await OpenWithCookieAsync(silo, "?groups=g1", ("Origin", origin), ("Sec-Fetch-Site", "cross-site"));

        Assert.Equal("alice", await stream.ConnectedAsync());
        if (origin == Listed)
        {
            Assert.Equal(Listed, stream.Response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        }

        Assert.Equal(["g1"], await GroupsAsync(silo));
    }

    [Fact]
    public async Task CookieToken_FromTheSilosOwnOrigin_Opens()
    {
        await using var silo = await TestSilo.StartAsync(TestSilo.Secure());
        var own = silo.Address.GetLeftPart(UriPartial.Authority);

        await using var stream = await OpenWithCookieAsync(silo, "?groups=g1", ("Origin", own), ("Sec-Fetch-Site", "same-origin"));

        Assert.Equal("alice", await stream.ConnectedAsync());
        Assert.DoesNotContain(silo.Logs.Entries, e => e.Id.Id == 505);
    }

    [Fact]
    public async Task CookieToken_BehindAProxy_TheOwnOriginIsTheForwardedSchemeAndTheHostHeader()
    {
        await using var silo = await TestSilo.StartAsync(TestSilo.Secure());
        const string Public = "sse.example.com";

        // From loopback (a trusted proxy): X-Forwarded-Proto sets the scheme; the default port is implied.
        await using var https = await OpenWithCookieAsync(silo, "", ("Origin", "https://" + Public), ("Host", Public + ":443"), ("X-Forwarded-Proto", "https"));
        Assert.Equal("alice", await https.ConnectedAsync());

        await using var wrongScheme = await OpenWithCookieAsync(silo, "", ("Origin", "http://" + Public), ("Host", Public), ("X-Forwarded-Proto", "https"));
        await ProblemAssert.IsProblemAsync(wrongScheme.Response, HttpStatusCode.Forbidden);

        await using var otherHost = await OpenWithCookieAsync(silo, "", ("Origin", "https://" + Public), ("Host", "internal.example.com"), ("X-Forwarded-Proto", "https"));
        await ProblemAssert.IsProblemAsync(otherHost.Response, HttpStatusCode.Forbidden);
    }

    [Theory]
    [InlineData("cross-site")]
    [InlineData("same-site")]
    public async Task CookieToken_WithoutOrigin_FromACrossSiteOrSameSiteFetch_Is403(string site)
    {
        await using var silo = await TestSilo.StartAsync(TestSilo.Secure(("OrleansSse:Cors:AllowedOrigins:0", Listed)));

        await using var stream = await OpenWithCookieAsync(silo, AttackQuery, ("Sec-Fetch-Site", site));

        await ProblemAssert.IsProblemAsync(stream.Response, HttpStatusCode.Forbidden);
        Assert.Contains($"'Sec-Fetch-Site: {site}'", await ProblemAssert.DetailAsync(stream.Response), StringComparison.Ordinal);
        Assert.Single(silo.Logs.Entries, e => e.Id.Id == 505);
        await AssertNothingJoinedOrOpenAsync(silo);
    }

    [Theory]
    [InlineData("same-origin")]
    [InlineData("none")]
    [InlineData(null)]
    public async Task CookieToken_WithoutOrigin_FromASameOriginOrDirectRequest_Opens(string? site)
    {
        await using var silo = await TestSilo.StartAsync(TestSilo.Secure());

        await using var stream = site is null
            ? await OpenWithCookieAsync(silo, "?groups=g1")
            : await OpenWithCookieAsync(silo, "?groups=g1", ("Sec-Fetch-Site", site));

        Assert.Equal("alice", await stream.ConnectedAsync());
        Assert.Equal(["g1"], await GroupsAsync(silo));
    }

    [Fact]
    public async Task AuthorizationHeaderToken_FromAForeignOrigin_StillOpens()
    {
        // A page cannot make a browser send someone else's Authorization header.
        await using var silo = await TestSilo.StartAsync(TestSilo.Secure(("OrleansSse:Cors:AllowedOrigins:0", Listed)));

        await using var stream = await silo.OpenStreamAsync("?groups=g1", TestTokens.For("alice", groups: [SubscriberTokenFormat.AnyGroup]), r =>
        {
            r.Headers.Add("Origin", Evil);
            r.Headers.Add("Sec-Fetch-Site", "cross-site");
            r.Headers.Add("Cookie", "orleanssse_token=" + TestTokens.For("alice"));
        });

        Assert.Equal("alice", await stream.ConnectedAsync());
    }

    [Fact]
    public async Task OpenMode_IgnoresOriginAndCookie()
    {
        await using var silo = await TestSilo.StartAsync(TestSilo.Secure(("OrleansSse:Auth:SubscriberSigningKeys:0", ""), ("OrleansSse:Auth:SubscriberSigningKeys:1", "")));

        await using var stream = await OpenWithCookieAsync(silo, "?client_id=alice&groups=g1", ("Origin", Evil), ("Sec-Fetch-Site", "cross-site"));

        Assert.Equal("alice", await stream.ConnectedAsync());
        Assert.Equal(["g1"], await GroupsAsync(silo));
    }

    // GET /api/sse with alice's cookie token (any group allowed) and the given headers.
    private static Task<SseStream> OpenWithCookieAsync(TestSilo silo, string query, params (string Name, string Value)[] headers) =>
        silo.OpenStreamAsync(query, configure: r =>
        {
            r.Headers.Add("Cookie", "orleanssse_token=" + TestTokens.For("alice", groups: [SubscriberTokenFormat.AnyGroup]));
            foreach (var (name, value) in headers)
            {
                if (name == "Host")
                {
                    r.Headers.Host = value;
                }
                else
                {
                    r.Headers.Add(name, value);
                }
            }
        });

    private static async Task AssertNothingJoinedOrOpenAsync(TestSilo silo)
    {
        Assert.Empty(await GroupsAsync(silo));
        Assert.Equal(0, silo.App.Services.GetConnectionCount());
    }

    private static async Task<string[]> GroupsAsync(TestSilo silo)
    {
        using var info = await silo.SendAsync(TestSilo.Request(HttpMethod.Get, "/api/sse/clients/alice"));
        Assert.Equal(HttpStatusCode.OK, info.StatusCode);
        using var body = JsonDocument.Parse(await info.Content.ReadAsStringAsync());
        return [.. body.RootElement.GetProperty("groups").EnumerateArray().Select(g => g.GetString()!)];
    }
}

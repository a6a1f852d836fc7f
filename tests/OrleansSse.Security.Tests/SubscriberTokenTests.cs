using System.Net;
using Microsoft.IdentityModel.Tokens;

namespace OrleansSse.Security.Tests;

public sealed class SubscriberTokenTests
{
    [Fact]
    public async Task Stream_WithoutToken_Is401WithBearerChallenge()
    {
        await using var silo = await TestSilo.StartAsync(TestSilo.Secure());
        foreach (var query in new[] { "?client_id=alice", "" })
        {
            await using var stream = await silo.OpenStreamAsync(query);
            await ProblemAssert.IsProblemAsync(stream.Response, HttpStatusCode.Unauthorized);
            Assert.Equal("Bearer", stream.Response.Headers.WwwAuthenticate.Single().Scheme);
        }
    }

    [Fact]
    public async Task TokenForAlice_CannotOpenBobsStream_403()
    {
        await using var silo = await TestSilo.StartAsync(TestSilo.Secure());
        await using var stream = await silo.OpenStreamAsync("?client_id=bob", TestTokens.For("alice"));
        await ProblemAssert.IsProblemAsync(stream.Response, HttpStatusCode.Forbidden);
        Assert.Equal(0, silo.App.Services.GetConnectionCount());
    }

    [Fact]
    public async Task Stream_WithoutClientId_OpensAsTheTokensSubject_AndReceivesItsEvents()
    {
        await using var silo = await TestSilo.StartAsync(TestSilo.Secure());
        await using var stream = await silo.OpenStreamAsync("", TestTokens.For("alice"));
        Assert.Equal("alice", await stream.ConnectedAsync());

        await silo.SendAsync("alice", "note", "hello");
        Assert.Equal("hello", (await stream.NextAsync()).Data);
    }

    [Fact]
    public async Task AlgNone_IsRefused_401()
    {
        await using var silo = await TestSilo.StartAsync(TestSilo.Secure());
        await using var stream = await silo.OpenStreamAsync("?client_id=alice", TestTokens.AlgNone("alice"));
        await ProblemAssert.IsProblemAsync(stream.Response, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Expired_IsRefused_401()
    {
        await using var silo = await TestSilo.StartAsync(TestSilo.Secure());
        await using var stream = await silo.OpenStreamAsync("?client_id=alice", TestTokens.Expired("alice"));
        await ProblemAssert.IsProblemAsync(stream.Response, HttpStatusCode.Unauthorized);
        Assert.Contains("invalid_token", stream.Response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignedWithUnknownKey_IsRefused_401()
    {
        await using var silo = await TestSilo.StartAsync(TestSilo.Secure());
        var token = TestTokens.For("alice", key: "some-other-key-that-is-long-enough-0123456789");
        await using var stream = await silo.OpenStreamAsync("?client_id=alice", token);
        await ProblemAssert.IsProblemAsync(stream.Response, HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData("exp-missing")]
    [InlineData("sub-missing")]
    [InlineData("sub-invalid")]
    public async Task TokenWithMissingOrBadClaims_IsRefused_401(string defect)
    {
        await using var silo = await TestSilo.StartAsync(TestSilo.Secure());
        var claims = new Dictionary<string, object> { ["sub"] = defect == "sub-invalid" ? "al ice\n" : "alice", ["exp"] = TestTokens.InTenMinutes };
        if (defect == "exp-missing")
        {
            claims.Remove("exp");
        }

        if (defect == "sub-missing")
        {
            claims.Remove("sub");
        }

        var token = TestTokens.Signed(SecurityAlgorithms.HmacSha256, TestSilo.SigningKey, claims);
        await using var stream = await silo.OpenStreamAsync("", token);
        await ProblemAssert.IsProblemAsync(stream.Response, HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData(SecurityAlgorithms.HmacSha384)]
    [InlineData(SecurityAlgorithms.HmacSha512)]
    public async Task OtherAllowedHmacAlgorithms_AndTheSecondSigningKey_AreAccepted(string algorithm)
    {
        await using var silo = await TestSilo.StartAsync(TestSilo.Secure());
        var token = TestTokens.Signed(algorithm, TestSilo.SigningKey2 + TestSilo.SigningKey2,
            new Dictionary<string, object> { ["sub"] = "alice", ["exp"] = TestTokens.InTenMinutes });
        await using var refused = await silo.OpenStreamAsync("", token);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.Response.StatusCode);

        token = TestTokens.Signed(algorithm, TestSilo.SigningKey2,
            new Dictionary<string, object> { ["sub"] = "alice", ["exp"] = TestTokens.InTenMinutes });
        await using var stream = await silo.OpenStreamAsync("", token);
        Assert.Equal("alice", await stream.ConnectedAsync());
    }

    [Fact]
    public async Task Token_InCookie_IsAccepted()
    {
        await using var silo = await TestSilo.StartAsync(TestSilo.Secure());
        await using var stream = await silo.OpenStreamAsync("?client_id=alice", configure: r =>
            r.Headers.Add("Cookie", "other=1; orleanssse_token=" + TestTokens.For("alice")));
        Assert.Equal("alice", await stream.ConnectedAsync());
    }

    [Fact]
    public async Task Token_InQuery_IsRefusedUnlessAllowed()
    {
        var token = TestTokens.For("alice");
        await using (var silo = await TestSilo.StartAsync(TestSilo.Secure()))
        await using (var refused = await silo.OpenStreamAsync("?client_id=alice&access_token=" + token))
        {
            await ProblemAssert.IsProblemAsync(refused.Response, HttpStatusCode.Unauthorized);
        }

        await using var open = await TestSilo.StartAsync(TestSilo.Secure(("OrleansSse:Auth:AllowTokenInQuery", "true")));
        await using var stream = await open.OpenStreamAsync("?access_token=" + token);
        Assert.Equal("alice", await stream.ConnectedAsync());
    }

    [Fact]
    public async Task Groups_MustBeASubsetOfTheTokensGroups()
    {
        await using var silo = await TestSilo.StartAsync(TestSilo.Secure());
        var token = TestTokens.For("alice", groups: ["team", "news"]);

        await using var refused = await silo.OpenStreamAsync("?groups=team,admins", token);
        await ProblemAssert.IsProblemAsync(refused.Response, HttpStatusCode.Forbidden);

        await using var stream = await silo.OpenStreamAsync("?groups=news", token);
        Assert.Equal("alice", await stream.ConnectedAsync());
        using var send = await silo.SendAsync(TestSilo.Request(HttpMethod.Post, "/api/sse/groups/news/send", """{"data":"n1"}"""));
        Assert.Equal("n1", (await stream.NextAsync()).Data);
    }

    [Fact]
    public async Task Groups_WithoutAGroupsClaim_NoGroupMayBeJoinedOnConnect()
    {
        await using var silo = await TestSilo.StartAsync(TestSilo.Secure());

        await using var refused = await silo.OpenStreamAsync("?groups=admins", TestTokens.For("alice"));
        await ProblemAssert.IsProblemAsync(refused.Response, HttpStatusCode.Forbidden);

        await using var stream = await silo.OpenStreamAsync("", TestTokens.For("alice"));
        Assert.Equal("alice", await stream.ConnectedAsync());
    }

    [Fact]
    public async Task Groups_AWildcardClaim_AllowsAnyGroup()
    {
        await using var silo = await TestSilo.StartAsync(TestSilo.Secure());
        var token = TestTokens.For("alice", groups: [SubscriberTokenFormat.AnyGroup]);

        await using var stream = await silo.OpenStreamAsync("?groups=anything", token);
        Assert.Equal("alice", await stream.ConnectedAsync());
        using var send = await silo.SendAsync(TestSilo.Request(HttpMethod.Post, "/api/sse/groups/anything/send", """{"data":"a1"}"""));
        Assert.Equal("a1", (await stream.NextAsync()).Data);
    }

    [Fact]
    public async Task Issuer_AndAudience_AreEnforcedWhenConfigured()
    {
        await using var silo = await TestSilo.StartAsync(TestSilo.Secure(
            ("OrleansSse:Auth:Issuer", "https://issuer.example"), ("OrleansSse:Auth:Audience", "orleanssse")));
        await using var refused = await silo.OpenStreamAsync("", TestTokens.For("alice"));
        await ProblemAssert.IsProblemAsync(refused.Response, HttpStatusCode.Unauthorized);

        var token = new Client.SubscriberTokenIssuer(TestSilo.SigningKey, "https://issuer.example", "orleanssse")
            .Issue("alice", TimeSpan.FromMinutes(5));
        await using var stream = await silo.OpenStreamAsync("", token);
        Assert.Equal("alice", await stream.ConnectedAsync());
    }

    [Fact]
    public async Task Stream_EndsByTheTokensExp_Gracefully_InTheSecondBeforeIt()
    {
        // The silo's clock and the issuer's are one manual clock; the silo's expiry sweep still
        // runs once a real second and ends the streams due before its next run.
        var clock = new ManualClock();
        await using var silo = await TestSilo.StartAsync(TestSilo.Secure(), clock);
        var issuer = new Client.SubscriberTokenIssuer(TestSilo.SigningKey, timeProvider: clock);

        // The streams on a client of their own: an ended stream's connection closes, and the
        // publishes below must not be sent on it.
        using var streamHttp = new HttpClient { BaseAddress = silo.Address };
        Task<SseStream> OpenAsync(string clientId, TimeSpan lifetime)
        {
            var request = new HttpRequestMessage(HttpMethod.Get, "/api/sse");
            request.Headers.Authorization = new("Bearer", issuer.Issue(clientId, lifetime));
            return SseStream.OpenAsync(streamHttp, request);
        }

        await using var marker = await OpenAsync("marker", TimeSpan.FromSeconds(9));
        await using var early = await OpenAsync("early", TimeSpan.FromSeconds(10));
        await using var late = await OpenAsync("late", TimeSpan.FromSeconds(60));
        foreach (var (stream, clientId) in new[] { (marker, "marker"), (early, "early"), (late, "late") })
        {
            Assert.Equal(clientId, await stream.ConnectedAsync());
        }

        // 1.5 s before early's exp: a sweep ends marker (0.5 s before its exp), not early.
        clock.Advance(TimeSpan.FromSeconds(8.5));
        Assert.True(await marker.Ended.WaitAsync(SseStream.Timeout), "marker was cut instead of ended");
        await silo.SendAsync("early", "note", "still-open");
        Assert.Equal("still-open", (await early.NextAsync()).Data);

        // 0.5 s before early's exp: the next sweep ends it, gracefully; late stays.
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.True(await early.Ended.WaitAsync(SseStream.Timeout), "early was cut instead of ended");
        await silo.SendAsync("late", "note", "still-open");
        Assert.Equal("still-open", (await late.NextAsync()).Data);
    }
}

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
    public async Task Stream_EndsByTheTokensExp_Gracefully()
    {
        await using var silo = await TestSilo.StartAsync(TestSilo.Secure());
        var started = DateTimeOffset.UtcNow;
        await using var stream = await silo.OpenStreamAsync("", TestTokens.For("alice", TimeSpan.FromSeconds(3)));
        Assert.Equal("alice", await stream.ConnectedAsync());

        var clean = await stream.Ended.WaitAsync(TimeSpan.FromSeconds(10));

        // exp is in whole seconds, 2-3 s from the start; the silo's expiry sweep (once a second)
        // ends a stream in the second before its deadline, never after it.
        Assert.True(clean, "the stream was cut instead of ended");
        Assert.InRange(DateTimeOffset.UtcNow - started, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3.5));
    }
}

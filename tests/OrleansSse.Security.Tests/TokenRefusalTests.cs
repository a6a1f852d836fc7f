using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Tokens;

namespace OrleansSse.Security.Tests;

/// <summary>
/// A refused subscriber token says why: the 401's problem detail and <c>WWW-Authenticate</c>
/// <c>error_description</c> name the reason, and the silo logs it at Information — never the token.
/// </summary>
public sealed class TokenRefusalTests
{
    private const string Issuer = "https://issuer.example";
    private const string Audience = "orleanssse";

    public static TheoryData<string, string> Cases => new()
    {
        { "expired", "expired" },
        { "not-yet-valid", "not yet valid" },
        { "unknown-key", "bad signature" },
        { "alg-none", "algorithm not allowed" },
        { "hs256-unsigned", "bad signature" },
        { "alg-not-allowed", "algorithm not allowed" },
        { "other-issuer", "issuer mismatch" },
        { "no-issuer", "issuer mismatch" },
        { "other-audience", "audience mismatch" },
        { "malformed", "malformed" },
        { "no-exp", "no 'exp' claim" },
        { "no-sub", "no 'sub' claim" },
        { "bad-sub", "'sub' is not a valid client id" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task ARefusedToken_Is401_NamingTheReason_AndLogsItWithoutTheToken(string defect, string reason)
    {
        await using var silo = await TestSilo.StartAsync(TestSilo.Secure(("OrleansSse:Auth:Issuer", Issuer), ("OrleansSse:Auth:Audience", Audience)));
        var token = Token(defect);

        await using var stream = await silo.OpenStreamAsync("", token);

        await ProblemAssert.IsProblemAsync(stream.Response, HttpStatusCode.Unauthorized);
        var detail = await ProblemAssert.DetailAsync(stream.Response);
        Assert.Equal($"The subscriber token is not valid: {reason}.", detail);
        Assert.Equal($"Bearer error=\"invalid_token\", error_description=\"{reason}\"", stream.Response.Headers.WwwAuthenticate.ToString());
        var logged = Assert.Single(silo.Logs.Entries, e => e.Id.Id == 504);
        Assert.Equal(LogLevel.Information, logged.Level);
        Assert.StartsWith($"Subscriber token refused (401): {reason}", logged.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(token, logged.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(token.Split('.')[0], string.Join("\n", silo.Logs.Entries.Select(e => e.Message)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnExpiredTokensLogLine_GivesExpAndTheSilosClock()
    {
        await using var silo = await TestSilo.StartAsync(TestSilo.Secure());

        await using var stream = await silo.OpenStreamAsync("", TestTokens.Expired("alice"));

        Assert.Equal(HttpStatusCode.Unauthorized, stream.Response.StatusCode);
        var logged = Assert.Single(silo.Logs.Entries, e => e.Id.Id == 504);
        Assert.Matches(@"expired \(exp \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ, silo clock \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\)$", logged.Message);
    }

    [Fact]
    public async Task AnAcceptedToken_LogsNoRefusal()
    {
        await using var silo = await TestSilo.StartAsync(TestSilo.Secure());

        await using var stream = await silo.OpenStreamAsync("", TestTokens.For("alice"));

        Assert.Equal("alice", await stream.ConnectedAsync());
        Assert.DoesNotContain(silo.Logs.Entries, e => e.Id.Id == 504);
    }

    private static string Token(string defect)
    {
        var now = DateTimeOffset.UtcNow;
        var claims = new Dictionary<string, object>
        {
            ["sub"] = "alice",
            ["exp"] = now.AddMinutes(10).ToUnixTimeSeconds(),
            ["iss"] = Issuer,
            ["aud"] = Audience,
        };
        switch (defect)
        {
            case "expired":
                claims["exp"] = now.AddMinutes(-1).ToUnixTimeSeconds();
                break;
            case "not-yet-valid":
                claims["nbf"] = now.AddMinutes(5).ToUnixTimeSeconds();
                break;
            case "unknown-key":
                return TestTokens.Signed(SecurityAlgorithms.HmacSha256, "some-other-key-that-is-long-enough-0123456789", claims);
            case "alg-none":
                return TestTokens.AlgNone("alice");
            case "hs256-unsigned":
                return TestTokens.WithHeader("""{"alg":"HS256","typ":"JWT"}""", claims, signature: "");
            case "alg-not-allowed":
                return TestTokens.WithHeader("""{"alg":"RS256","typ":"JWT"}""", claims);
            case "other-issuer":
                claims["iss"] = "https://elsewhere.example";
                break;
            case "no-issuer":
                claims.Remove("iss");
                break;
            case "other-audience":
                claims["aud"] = "someone-else";
                break;
            case "malformed":
                return "not-a-jwt";
            case "no-exp":
                claims.Remove("exp");
                break;
            case "no-sub":
                claims.Remove("sub");
                break;
            case "bad-sub":
                claims["sub"] = "al ice";
                break;
        }

        return TestTokens.Signed(SecurityAlgorithms.HmacSha256, TestSilo.SigningKey, claims);
    }
}

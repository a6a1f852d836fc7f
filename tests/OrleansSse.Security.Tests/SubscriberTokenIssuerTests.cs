using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using OrleansSse.Client;

namespace OrleansSse.Security.Tests;

public sealed class SubscriberTokenIssuerTests
{
    [Fact]
    public void Issue_WritesSubGroupsAndExp_SignedWithHs256()
    {
        var before = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var token = new JsonWebToken(new SubscriberTokenIssuer(TestSilo.SigningKey).Issue("alice", TimeSpan.FromMinutes(5), ["team", "news"]));

        Assert.Equal("HS256", token.Alg);
        Assert.Equal("alice", token.Subject);
        Assert.Equal(["team", "news"], token.GetPayloadValue<string[]>("groups"));
        Assert.InRange(token.GetPayloadValue<long>("exp") - before, 299, 301);
        Assert.False(token.TryGetPayloadValue<object>("nbf", out _));
    }

    [Fact]
    public void Issue_WithoutGroups_LeavesTheClaimOut()
    {
        var token = new JsonWebToken(new SubscriberTokenIssuer(TestSilo.SigningKey).Issue("alice", TimeSpan.FromMinutes(5)));
        using var payload = JsonDocument.Parse(Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Decode(token.EncodedPayload));
        Assert.False(payload.RootElement.TryGetProperty("groups", out _));
    }

    [Fact]
    public void Constructor_RefusesAKeyShorterThan32Bytes() =>
        Assert.Throws<ArgumentException>(() => new SubscriberTokenIssuer("short-key"));

    [Theory]
    [InlineData("")]
    [InlineData("bad id")]
    [InlineData("line\nbreak")]
    public void Issue_RefusesInvalidClientIds(string clientId) =>
        Assert.Throws<ArgumentException>(() => new SubscriberTokenIssuer(TestSilo.SigningKey).Issue(clientId, TimeSpan.FromMinutes(1)));

    [Fact]
    public void Issue_RefusesANonPositiveLifetime() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new SubscriberTokenIssuer(TestSilo.SigningKey).Issue("alice", TimeSpan.Zero));
}

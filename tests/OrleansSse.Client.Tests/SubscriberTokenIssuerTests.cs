using Microsoft.IdentityModel.JsonWebTokens;

namespace OrleansSse.Client.Tests;

/// <summary>Lifetimes <see cref="SubscriberTokenIssuer"/> accepts: none that mints a token already expired, none absurdly long.</summary>
public sealed class SubscriberTokenIssuerTests
{
    private const string SigningKey = "subscriber-signing-key-for-client-tests-0123456789";

    [Theory]
    [InlineData(0)]
    [InlineData(400)]
    [InlineData(999)]
    public void LifetimeUnderOneSecond_IsRefused(int milliseconds) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new SubscriberTokenIssuer(SigningKey).Issue("alice", TimeSpan.FromMilliseconds(milliseconds)));

    [Fact]
    public void LifetimeOverAYear_IsRefused()
    {
        var issuer = new SubscriberTokenIssuer(SigningKey);

        Assert.Throws<ArgumentOutOfRangeException>(() => issuer.Issue("alice", TimeSpan.FromDays(366)));
        Assert.Throws<ArgumentOutOfRangeException>(() => issuer.Issue("alice", TimeSpan.MaxValue));
    }

    [Fact]
    public void ShortestLifetime_IssuedJustBeforeASecondEnds_ExpiresAfterNow()
    {
        var now = new DateTimeOffset(2030, 1, 1, 12, 0, 0, TimeSpan.Zero).AddMilliseconds(999);
        var issuer = new SubscriberTokenIssuer(SigningKey, timeProvider: new FixedClock(now));

        var token = new JsonWebToken(issuer.Issue("alice", SubscriberTokenIssuer.ShortestLifetime));

        Assert.True(token.ValidTo > now.UtcDateTime, $"exp {token.ValidTo:O} is not after {now:O}");
        Assert.Equal(now.UtcDateTime.AddDays(365).AddMilliseconds(-999),
            new JsonWebToken(issuer.Issue("alice", SubscriberTokenIssuer.LongestLifetime)).ValidTo);
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}

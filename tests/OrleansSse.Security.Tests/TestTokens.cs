using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using OrleansSse.Client;

namespace OrleansSse.Security.Tests;

/// <summary>Subscriber tokens for tests: good ones from <see cref="SubscriberTokenIssuer"/>, hostile ones by hand.</summary>
internal static class TestTokens
{
    public static string For(string clientId, TimeSpan? lifetime = null, IEnumerable<string>? groups = null, string key = TestSilo.SigningKey) =>
        new SubscriberTokenIssuer(key).Issue(clientId, lifetime ?? TimeSpan.FromMinutes(10), groups);

    /// <summary>A token whose <c>exp</c> passed an hour ago (minted with a clock two hours behind).</summary>
    public static string Expired(string clientId) =>
        new SubscriberTokenIssuer(TestSilo.SigningKey, timeProvider: new ShiftedClock(TimeSpan.FromHours(-2)))
            .Issue(clientId, TimeSpan.FromHours(1));

    /// <summary>An unsigned token: <c>{"alg":"none"}</c>, a valid payload, an empty signature.</summary>
    public static string AlgNone(string clientId)
    {
        var exp = DateTimeOffset.UtcNow.AddMinutes(10).ToUnixTimeSeconds();
        return Base64Url("""{"alg":"none","typ":"JWT"}""") + "." + Base64Url($$"""{"sub":"{{clientId}}","exp":{{exp}}}""") + ".";
    }

    /// <summary>A token signed with <paramref name="algorithm"/> and <paramref name="key"/>, with the given claims.</summary>
    public static string Signed(string algorithm, string key, Dictionary<string, object> claims, DateTime? expires = null)
    {
        var handler = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false };
        return handler.CreateToken(new SecurityTokenDescriptor
        {
            Claims = claims,
            Expires = expires,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(key)), algorithm),
        });
    }

    /// <summary>A token with <paramref name="header"/> as given, the claims as payload and <paramref name="signature"/> (made up; empty: none).</summary>
    public static string WithHeader(string header, Dictionary<string, object> claims, string signature = "not-a-real-signature") =>
        Base64Url(header) + "." + Base64Url(System.Text.Json.JsonSerializer.Serialize(claims)) + "." + Base64Url(signature);

    public static long InTenMinutes => DateTimeOffset.UtcNow.AddMinutes(10).ToUnixTimeSeconds();

    private static string Base64Url(string json) => Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(json));

    private sealed class ShiftedClock(TimeSpan shift) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + shift;
    }
}

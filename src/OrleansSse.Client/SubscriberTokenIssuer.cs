using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace OrleansSse.Client;

/// <summary>
/// Mints subscriber tokens (<see cref="SubscriberTokenFormat"/>) for a silo whose
/// <c>OrleansSse:Auth:SubscriberSigningKeys</c> holds the same key: an HS256 JWT with <c>sub</c>
/// (the client id), optional <c>groups</c> (the groups it may join on connect), <c>iat</c> and
/// <c>exp</c>. Hand it to the browser as the token cookie or, where the silo allows it, the
/// <c>access_token</c> query parameter. The silo ends the stream at <c>exp</c>, so mint tokens
/// that live as long as a stream should, and a fresh one before reconnecting after that.
/// Thread-safe.
/// </summary>
public sealed class SubscriberTokenIssuer
{
    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };
    private readonly SigningCredentials _credentials;
    private readonly string? _issuer;
    private readonly string? _audience;
    private readonly TimeProvider _time;

    /// <summary>Creates an issuer signing with <paramref name="signingKey"/> (at least 32 bytes of UTF-8).</summary>
    /// <param name="signingKey">The first of the silo's <c>SubscriberSigningKeys</c>.</param>
    /// <param name="issuer">The <c>iss</c> claim, if the silo requires one.</param>
    /// <param name="audience">The <c>aud</c> claim, if the silo requires one.</param>
    /// <param name="timeProvider">The clock (default: the system clock).</param>
    /// <exception cref="ArgumentException">The key is shorter than 32 bytes.</exception>
    public SubscriberTokenIssuer(string signingKey, string? issuer = null, string? audience = null, TimeProvider? timeProvider = null)
    {
        var key = new SymmetricSecurityKey(SubscriberTokenFormat.KeyBytes(signingKey));
        _credentials = new SigningCredentials(key, SubscriberTokenFormat.SigningAlgorithm);
        _issuer = issuer;
        _audience = audience;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>The shortest lifetime <see cref="Issue"/> accepts: 1 s (the resolution of <c>exp</c>).</summary>
    public static TimeSpan ShortestLifetime { get; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest lifetime <see cref="Issue"/> accepts: 365 days.</summary>
    public static TimeSpan LongestLifetime { get; } = TimeSpan.FromDays(365);

    /// <summary>Mints a token that lets <paramref name="clientId"/> listen for <paramref name="lifetime"/>.</summary>
    /// <param name="clientId">The client id (<see cref="SseNames.IsValidKey"/>).</param>
    /// <param name="lifetime">
    /// How long the token (and any stream opened with it) lasts: between <see cref="ShortestLifetime"/>
    /// (1 s; <c>exp</c> is in whole seconds, so a shorter one could mint a token that is already expired)
    /// and <see cref="LongestLifetime"/> (365 days).
    /// </param>
    /// <param name="groups">
    /// The groups the client may join with <c>groups=</c> on connect; null: none (groups it is
    /// added to by a publisher still reach it); <c>["*"]</c> (<see cref="SubscriberTokenFormat.AnyGroup"/>): any.
    /// </param>
    /// <returns>The compact JWT.</returns>
    /// <exception cref="ArgumentException">The client id or a group name is invalid.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="lifetime"/> is shorter than 1 s or longer than 365 days.</exception>
    public string Issue(string clientId, TimeSpan lifetime, IEnumerable<string>? groups = null)
    {
        SseNames.ThrowIfInvalidKey(clientId, nameof(clientId));
        ArgumentOutOfRangeException.ThrowIfLessThan(lifetime, ShortestLifetime);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(lifetime, LongestLifetime);
        var now = _time.GetUtcNow();
        var claims = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            [SubscriberTokenFormat.ClientIdClaim] = clientId,
            ["iat"] = now.ToUnixTimeSeconds(),
        };
        if (groups is not null)
        {
            var list = groups.ToArray();
            foreach (var group in list)
            {
                if (group != SubscriberTokenFormat.AnyGroup)
                {
                    SseNames.ThrowIfInvalidKey(group, nameof(groups));
                }
            }

            claims[SubscriberTokenFormat.GroupsClaim] = list;
        }

        var descriptor = new SecurityTokenDescriptor
        {
            Claims = claims,
            Expires = now.Add(lifetime).UtcDateTime,
            Issuer = _issuer,
            Audience = _audience,
            SigningCredentials = _credentials,
        };
        return _handler.CreateToken(descriptor);
    }
}

using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace OrleansSse.Silo.Security;

/// <summary>
/// Validates subscriber tokens (<see cref="SubscriberTokenFormat"/>): signature by any configured
/// signing key, an allow-listed HMAC algorithm, a required <c>exp</c> in the future (no clock
/// skew: the stream ends at <c>exp</c>), a valid client id in <c>sub</c>, and <c>iss</c>/<c>aud</c>
/// when configured.
/// </summary>
internal sealed class SubscriberTokenValidator
{
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };
    private readonly TokenValidationParameters _parameters;

    public SubscriberTokenValidator(IOptions<AuthOptions> options)
    {
        var auth = options.Value;
        var keys = auth.SubscriberSigningKeys
            .Where(k => !string.IsNullOrEmpty(k))
            .Select(k => (SecurityKey)new SymmetricSecurityKey(SubscriberTokenFormat.KeyBytes(k)))
            .ToArray();
        Required = keys.Length > 0;
        _parameters = new TokenValidationParameters
        {
            IssuerSigningKeys = keys,
            ValidAlgorithms = SubscriberTokenFormat.Algorithms,
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            ValidateLifetime = true,
            ClockSkew = TimeSpan.Zero,
            ValidateIssuerSigningKey = true,
            ValidateIssuer = !string.IsNullOrEmpty(auth.Issuer),
            ValidIssuer = auth.Issuer,
            ValidateAudience = !string.IsNullOrEmpty(auth.Audience),
            ValidAudience = auth.Audience,
            TryAllIssuerSigningKeys = true,
        };
    }

    /// <summary>Whether tokens are required (a signing key is configured).</summary>
    public bool Required { get; }

    /// <summary>Validates <paramref name="token"/>; null when it is not acceptable.</summary>
    public async Task<SubscriberGrant?> ValidateAsync(string token)
    {
        if (token.Length > 8192)
        {
            return null;
        }

        var result = await _handler.ValidateTokenAsync(token, _parameters).ConfigureAwait(false);
        if (!result.IsValid || result.SecurityToken is not JsonWebToken jwt)
        {
            return null;
        }

        var clientId = jwt.Subject;
        if (!SseNames.IsValidKey(clientId) || jwt.ValidTo == DateTime.MinValue)
        {
            return null;
        }

        string[]? groups = null;
        if (jwt.TryGetPayloadValue<object>(SubscriberTokenFormat.GroupsClaim, out _))
        {
            groups = [.. jwt.Claims.Where(c => c.Type == SubscriberTokenFormat.GroupsClaim).Select(c => c.Value)];
        }

        return new SubscriberGrant(clientId, groups, new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero));
    }
}

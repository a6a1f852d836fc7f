using System.Globalization;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace OrleansSse.Silo.Security;

/// <summary>
/// Validates subscriber tokens (<see cref="SubscriberTokenFormat"/>): signature by any configured
/// signing key, an allow-listed HMAC algorithm, a required <c>exp</c> in the future and an
/// <c>nbf</c> (when present) in the past, both on the silo's <see cref="TimeProvider"/> with no clock
/// skew (the stream ends at <c>exp</c>; the issuer's and the silo's clocks must agree), a valid
/// client id in <c>sub</c>, and <c>iss</c>/<c>aud</c> when configured (a token without them is then refused). The signature is checked first, so the
/// other reasons are only reported for a token one of the keys signed.
/// A refused token is logged at Information with the reason (expired, bad signature, issuer
/// mismatch, …; never the token), one line per refused request, as ASP.NET Core's JWT bearer
/// handler does: raise the level of this class's category to silence it (that also silences
/// <see cref="CookieTokenOrigin"/>'s refusals, logged in the same category).
/// </summary>
internal sealed class SubscriberTokenValidator
{
    /// <summary>The longest token read; longer ones are refused unread.</summary>
    public const int MaxTokenLength = 8192;

    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };
    private readonly TokenValidationParameters _parameters;
    private readonly ILogger<SubscriberTokenValidator> _logger;
    private readonly TimeProvider _time;

    public SubscriberTokenValidator(IOptions<AuthOptions> options, ILogger<SubscriberTokenValidator> logger, TimeProvider time)
    {
        _logger = logger;
        _time = time;
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
            // exp and nbf are checked on the silo's clock (TimeProvider: a test cluster's clock moves
            // them too); IdentityModel 8.16 checks them on the system clock (its
            // TokenValidationParameters.TimeProvider is internal).
            LifetimeValidator = ValidateLifetime,
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

    /// <summary>
    /// Validates <paramref name="token"/>: the grant, or (when it is not acceptable) why, in a few
    /// words that are safe to tell the caller (<c>expired</c>, <c>bad signature</c>, …).
    /// </summary>
    public async Task<(SubscriberGrant? Grant, string? Refusal)> ValidateAsync(string token)
    {
        if (token.Length > MaxTokenLength)
        {
            return Refuse($"longer than {MaxTokenLength} characters", null);
        }

        var result = await _handler.ValidateTokenAsync(token, _parameters).ConfigureAwait(false);
        if (!result.IsValid || result.SecurityToken is not JsonWebToken jwt)
        {
            var (reason, detail) = result.Exception is SecurityTokenInvalidSignatureException && !AllowedAlgorithm(token)
                ? ("algorithm not allowed", $"allowed: {string.Join(", ", SubscriberTokenFormat.Algorithms)}")
                : Reason(result.Exception);
            return Refuse(reason, detail);
        }

        var clientId = jwt.Subject;
        if (!SseNames.IsValidKey(clientId))
        {
            return Refuse(string.IsNullOrEmpty(clientId) ? "no 'sub' claim" : "'sub' is not a valid client id", null);
        }

        if (jwt.ValidTo == DateTime.MinValue)
        {
            return Refuse("no 'exp' claim", null);
        }

        string[]? groups = null;
        if (jwt.TryGetPayloadValue<object>(SubscriberTokenFormat.GroupsClaim, out _))
        {
            groups = [.. jwt.Claims.Where(c => c.Type == SubscriberTokenFormat.GroupsClaim).Select(c => c.Value)];
        }

        return (new SubscriberGrant(clientId, groups, new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero)), null);
    }

    // IdentityModel's own lifetime rules (exp required, nbf not after exp, no clock skew: valid from
    // nbf through exp), on the injected clock; each failure throws the exception IdentityModel
    // would, so Reason reports it the same way.
    private bool ValidateLifetime(DateTime? notBefore, DateTime? expires, SecurityToken token, TokenValidationParameters parameters)
    {
        if (expires is not { } exp)
        {
            throw new SecurityTokenNoExpirationException("The token has no 'exp' claim.");
        }

        if (notBefore is { } nbf && nbf > exp)
        {
            throw new SecurityTokenInvalidLifetimeException("'nbf' is after 'exp'.") { NotBefore = nbf, Expires = exp };
        }

        var now = _time.GetUtcNow().UtcDateTime;
        if (notBefore is { } start && start > now)
        {
            throw new SecurityTokenNotYetValidException("The token is not valid yet.") { NotBefore = start };
        }

        if (exp < now)
        {
            throw new SecurityTokenExpiredException("The token has expired.") { Expires = exp };
        }

        return true;
    }

    private (SubscriberGrant?, string?) Refuse(string reason, string? detail)
    {
        SecurityLog.TokenRefused(_logger, reason, detail is null ? "" : $" ({detail})");
        return (null, reason);
    }

    // Why IdentityModel refused the token, from the exception's type (its message may hold parts of
    // the token, so it is never logged), with the times for the clock checks.
    private (string Reason, string? Detail) Reason(Exception? error) => error switch
    {
        SecurityTokenExpiredException e => ("expired", $"exp {Time(e.Expires)}, silo clock {Time(_time.GetUtcNow().UtcDateTime)}"),
        SecurityTokenNotYetValidException e => ("not yet valid", $"nbf {Time(e.NotBefore)}, silo clock {Time(_time.GetUtcNow().UtcDateTime)}"),
        SecurityTokenNoExpirationException => ("no 'exp' claim", null),
        SecurityTokenInvalidLifetimeException => ("'nbf' is after 'exp'", null),
        SecurityTokenInvalidIssuerException => ("issuer mismatch", null),
        SecurityTokenInvalidAudienceException => ("audience mismatch", null),
        SecurityTokenInvalidAlgorithmException => ("algorithm not allowed", $"allowed: {string.Join(", ", SubscriberTokenFormat.Algorithms)}"),
        SecurityTokenInvalidSignatureException => ("bad signature", "no configured signing key verifies it, or it is unsigned"),
        SecurityTokenMalformedException or ArgumentException => ("malformed", "not a compact JWS (header.payload.signature)"),
        null => ("invalid", null),
        _ => ("invalid", error.GetType().Name),
    };

    // Whether the token's header names an accepted algorithm (alg none does not). IdentityModel
    // reports another algorithm as a signature no key verifies.
    private static bool AllowedAlgorithm(string token)
    {
        try
        {
            return SubscriberTokenFormat.Algorithms.Contains(new JsonWebToken(token).Alg, StringComparer.Ordinal);
        }
        catch (ArgumentException)
        {
            return true; // unreadable header: the signature is the reason given
        }
    }

    private static string Time(DateTime time) => time.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
}

namespace OrleansSse.Silo.Security;

/// <summary>
/// Who may publish and who may listen as whom (configuration section <c>OrleansSse:Auth</c>).
/// With no publisher key and no signing key the silo runs open (and warns at start).
/// </summary>
public sealed class AuthOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "OrleansSse:Auth";

    /// <summary>
    /// Keys accepted in <c>Authorization: Bearer &lt;key&gt;</c> on the publishing (AI included),
    /// membership, disconnect and client/group info endpoints. Several may be valid at once, so a
    /// key can be rotated without downtime. Each key is at least 16 printable ASCII characters
    /// without whitespace (anything else stops the silo at start); an empty entry is ignored.
    /// Empty: anyone who can reach the silo may publish.
    /// </summary>
    public string[] PublisherKeys { get; set; } = [];

    /// <summary>
    /// HMAC keys (at least 32 bytes of UTF-8 each) for subscriber tokens: all of them verify, the
    /// first one is the one token issuers should sign with (rotation: put the new key first, keep
    /// the old one until its tokens expired). Empty: anyone may listen as any client id.
    /// </summary>
    public string[] SubscriberSigningKeys { get; set; } = [];

    /// <summary>
    /// Whether the token may come in the <c>access_token</c> query parameter (for browsers that
    /// cannot set a cookie for the silo). Off by default: query strings end up in logs.
    /// </summary>
    public bool AllowTokenInQuery { get; set; }

    /// <summary>The cookie that may carry the subscriber token. Default <c>orleanssse_token</c>.</summary>
    public string TokenCookieName { get; set; } = SubscriberTokenFormat.DefaultCookieName;

    /// <summary>When set, tokens must carry this <c>iss</c>.</summary>
    public string? Issuer { get; set; }

    /// <summary>When set, tokens must carry this <c>aud</c>.</summary>
    public string? Audience { get; set; }

    /// <summary>Whether publishing requires a key.</summary>
    public bool PublishersRequireKey => PublisherKeys.Any(k => !string.IsNullOrEmpty(k));

    /// <summary>Whether subscribing requires a token.</summary>
    public bool SubscribersRequireToken => SubscriberSigningKeys.Any(k => !string.IsNullOrEmpty(k));
}

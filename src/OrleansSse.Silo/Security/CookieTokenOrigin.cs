using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace OrleansSse.Silo.Security;

/// <summary>
/// Whether a stream request whose subscriber token came from the cookie was sent by a page the
/// silo trusts (cross-site request forgery). Browsers attach cookies to cross-site GETs without a
/// preflight (an <c>&lt;img&gt;</c>, a link, an <c>EventSource</c> on any site), and
/// <c>GET /api/sse</c> joins groups durably and spends the client's stream slots, so the cookie
/// only counts for the silo's own origin or an origin listed in <see cref="CorsOptions.AllowedOrigins"/>
/// (<c>*</c> lists none: it never goes with credentials). Refused: an <c>Origin</c> that is neither
/// (<c>null</c>, several values or a malformed one included), or no <c>Origin</c> but
/// <c>Sec-Fetch-Site: cross-site</c> / <c>same-site</c> (what subresources and cross-site
/// navigations send; a cross-origin <c>EventSource</c> always sends <c>Origin</c>).
/// The silo's own origin is the request's scheme (<c>X-Forwarded-Proto</c> when a trusted proxy
/// sent it) and <c>Host</c> header (the silo reads no <c>X-Forwarded-Host</c>: a proxy must pass
/// <c>Host</c> on, or the public origin must be listed), default ports normalised.
/// Limit: a request with neither <c>Origin</c> nor <c>Sec-Fetch-Site</c> passes (curl, server-side
/// clients), so a browser too old to send <c>Sec-Fetch-Site</c> is protected only by the cookie's
/// <c>SameSite</c> attribute. A refusal is logged at Information in the category of
/// <see cref="SubscriberTokenValidator"/>, like its other refusals.
/// </summary>
internal sealed class CookieTokenOrigin
{
    // Origins are short; a longer header is cut in the problem detail and the log line.
    private const int MaxShownLength = 200;

    private readonly HashSet<string> _allowed;
    private readonly ILogger<SubscriberTokenValidator> _logger;

    public CookieTokenOrigin(IOptions<CorsOptions> cors, ILogger<SubscriberTokenValidator> logger)
    {
        _logger = logger;
        _allowed = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var origin in cors.Value.AllowedOrigins)
        {
            if (Normalize(origin.Trim()) is { } normalized)
            {
                _allowed.Add(normalized);
            }
        }
    }

    /// <summary>Null when the request may use its cookie token; otherwise the reason, for the 403's detail (already logged).</summary>
    public string? Refusal(HttpRequest request)
    {
        var reason = Check(request);
        if (reason is not null)
        {
            SecurityLog.CookieTokenRefused(_logger, reason);
        }

        return reason;
    }

    private string? Check(HttpRequest request)
    {
        var origins = request.Headers.Origin;
        if (origins.Count > 1)
        {
            return "the request carries more than one Origin header";
        }

        if (origins.Count == 1)
        {
            var origin = origins[0] ?? "";
            if (Normalize(origin) is not { } normalized ||
                (!string.Equals(normalized, OwnOrigin(request), StringComparison.OrdinalIgnoreCase) && !_allowed.Contains(normalized)))
            {
                return $"the request's Origin '{Shown(origin)}' is neither this silo's origin nor a listed one";
            }

            return null;
        }

        if (CrossSite(request.Headers["Sec-Fetch-Site"]) is { } site)
        {
            return $"the request has no Origin and says 'Sec-Fetch-Site: {site}'";
        }

        return null;
    }

    private static string? CrossSite(StringValues values)
    {
        foreach (var value in values)
        {
            foreach (var item in (value ?? "").Split(',', StringSplitOptions.TrimEntries))
            {
                if (item.Equals("cross-site", StringComparison.OrdinalIgnoreCase) || item.Equals("same-site", StringComparison.OrdinalIgnoreCase))
                {
                    return item;
                }
            }
        }

        return null;
    }

    // scheme://host[:port] as the silo sees the request (after forwarded headers), or null without a Host.
    private static string? OwnOrigin(HttpRequest request) =>
        request.Host.HasValue ? Normalize($"{request.Scheme}://{request.Host.ToUriComponent()}") : null;

    // The canonical form of an http(s) origin (lower-case host, default port left out), or null for
    // anything else: "null", a path, a query, user info.
    private static string? Normalize(string origin)
    {
        if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") ||
            uri.PathAndQuery != "/" || uri.Fragment.Length > 0 || uri.UserInfo.Length > 0)
        {
            return null;
        }

        return uri.GetLeftPart(UriPartial.Authority);
    }

    private static string Shown(string origin) => origin.Length <= MaxShownLength ? origin : origin[..MaxShownLength] + "…";
}

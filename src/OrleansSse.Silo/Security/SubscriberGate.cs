using Microsoft.Extensions.Options;
using OrleansSse.Silo.Http;
using OrleansSse.Silo.Options;

namespace OrleansSse.Silo.Security;

/// <summary>
/// Decides who may open <c>GET /api/sse</c> as which client. With a signing key configured the
/// request needs a subscriber token (from <c>Authorization: Bearer</c>, the token cookie, or —
/// only when allowed — the <c>access_token</c> query parameter): missing or invalid → 401;
/// a <c>client_id</c> other than the token's <c>sub</c>, or a group outside its <c>groups</c> → 403;
/// a token from the cookie on a request from a foreign origin (<see cref="CookieTokenOrigin"/>) → 403
/// before the token is read.
/// Without <c>client_id</c> the token's <c>sub</c> is used (open mode: a generated id). Then the
/// group quota applies (409), and the deadline is the earlier of <c>exp</c> and the maximum lifetime.
/// </summary>
internal sealed class SubscriberGate(
    SubscriberTokenValidator validator,
    CookieTokenOrigin cookieOrigin,
    GroupQuota quota,
    IOptions<AuthOptions> auth,
    IOptions<LimitOptions> limits,
    TimeProvider time)
{
    public async Task<StreamAdmission> AdmitAsync(HttpContext context, string requestedClientId, IReadOnlyList<string> groups)
    {
        var clientId = requestedClientId;
        DateTimeOffset? deadline = limits.Value.MaxConnectionLifetime is { } lifetime && lifetime > TimeSpan.Zero
            ? time.GetUtcNow() + lifetime
            : null;

        if (validator.Required)
        {
            var (token, fromCookie) = ReadToken(context);
            if (token is null)
            {
                return Refuse(Unauthorized(context, MissingTokenDetail(context), error: null));
            }

            // Browsers send cookies with cross-site requests: the cookie counts only from trusted origins.
            if (fromCookie && cookieOrigin.Refusal(context.Request) is { } crossSite)
            {
                return Refuse(Problems.Forbidden(
                    $"The subscriber token came from the '{auth.Value.TokenCookieName}' cookie, and {crossSite}: browsers send that cookie from any site, so it counts only on requests from this silo's own origin or one listed in {CorsOptions.Section}:AllowedOrigins; other callers send the token in the Authorization header."));
            }

            var (validated, refusal) = await validator.ValidateAsync(token);
            if (validated is not { } grant)
            {
                // The reason is about the token the caller holds (RFC 6750 error_description), never a secret.
                return Refuse(Unauthorized(context, $"The subscriber token is not valid: {refusal}.", "invalid_token", refusal));
            }

            if (clientId.Length == 0)
            {
                clientId = grant.ClientId;
            }
            else if (!string.Equals(clientId, grant.ClientId, StringComparison.Ordinal))
            {
                return Refuse(Problems.Forbidden("The subscriber token is for another client id."));
            }

            // No groups claim: no groups on connect (a publisher may still add the client to groups).
            var allowed = grant.Groups ?? [];
            if (!allowed.Contains(SubscriberTokenFormat.AnyGroup, StringComparer.Ordinal) &&
                groups.FirstOrDefault(g => !allowed.Contains(g, StringComparer.Ordinal)) is { } denied)
            {
                return Refuse(Problems.Forbidden($"The subscriber token does not allow joining group '{denied}'."));
            }

            deadline = deadline is { } d && d < grant.Expires ? d : grant.Expires;
        }
        else if (clientId.Length == 0)
        {
            clientId = Guid.NewGuid().ToString("N");
        }

        var overQuota = await quota.CheckAsync(clientId, groups.ToArray(), context.RequestAborted);
        return new StreamAdmission(clientId, deadline, overQuota);
    }

    private static StreamAdmission Refuse(IResult problem) => new("", null, problem);

    private static IResult Unauthorized(HttpContext context, string detail, string? error, string? description = null)
    {
        context.Response.Headers.WWWAuthenticate = error is null ? "Bearer"
            : description is null ? $"Bearer error=\"{error}\""
            : $"Bearer error=\"{error}\", error_description=\"{description}\""; // the validator's fixed reasons: no quote
        return Problems.Unauthorized(detail);
    }

    private string MissingTokenDetail(HttpContext context) =>
        !auth.Value.AllowTokenInQuery && context.Request.Query.ContainsKey(SubscriberTokenFormat.QueryParameter)
            ? $"A subscriber token is required; this silo does not accept it in the '{SubscriberTokenFormat.QueryParameter}' query parameter (use the Authorization header or the '{auth.Value.TokenCookieName}' cookie)."
            : $"A subscriber token is required: 'Authorization: Bearer <token>' or the '{auth.Value.TokenCookieName}' cookie.";

    // The token and whether it came from the cookie (the one source a browser attaches by itself).
    private (string? Token, bool FromCookie) ReadToken(HttpContext context)
    {
        var request = context.Request;
        if (BearerToken.TryRead(request, out var header))
        {
            return (header, false);
        }

        if (request.Cookies.TryGetValue(auth.Value.TokenCookieName, out var cookie) && cookie.Length > 0)
        {
            return (cookie, true);
        }

        if (auth.Value.AllowTokenInQuery && request.Query[SubscriberTokenFormat.QueryParameter].ToString() is { Length: > 0 } query)
        {
            return (query, false);
        }

        return (null, false);
    }
}

using OrleansSse.Silo.Http;

namespace OrleansSse.Silo.Security;

/// <summary>
/// Requires <c>Authorization: Bearer &lt;publisher key&gt;</c> when keys are configured: 401 (with
/// <c>WWW-Authenticate: Bearer</c>) when it is missing, 403 when the key is wrong. The handler
/// does not run on refusal, so nothing is read, published or changed. Wrong keys are counted per
/// remote address (<see cref="PublisherKeyGuard"/>): past its allowance they get 429.
/// </summary>
internal sealed class PublisherKeyFilter(PublisherKeyRing keys, PublisherKeyGuard guard) : IEndpointFilter
{
    /// <summary>The <see cref="HttpContext.Items"/> entry naming the publisher (for rate limits).</summary>
    public const string PublisherItem = "OrleansSse.Publisher";

    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        if (!keys.Required)
        {
            return next(context);
        }

        var http = context.HttpContext;
        if (!BearerToken.TryRead(http.Request, out var presented))
        {
            http.Response.Headers.WWWAuthenticate = "Bearer";
            return ValueTask.FromResult<object?>(Problems.Unauthorized(
                "This endpoint requires a publisher key: 'Authorization: Bearer <key>'."));
        }

        var index = keys.Match(presented);
        if (index < 0)
        {
            var wait = guard.RecordWrongKey(RemoteAddress.Key(http.Connection.RemoteIpAddress));
            return ValueTask.FromResult<object?>(wait == 0
                ? Problems.Forbidden("The publisher key is not valid.")
                : Problems.TooMany(http, "Too many wrong publisher keys from this address.", wait));
        }

        http.Items[PublisherItem] = "key:" + index.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return next(context);
    }
}

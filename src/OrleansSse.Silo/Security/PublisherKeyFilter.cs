using OrleansSse.Silo.Http;

namespace OrleansSse.Silo.Security;

/// <summary>
/// Requires <c>Authorization: Bearer &lt;publisher key&gt;</c> when keys are configured: 401 (with
/// <c>WWW-Authenticate: Bearer</c>) when it is missing, 403 when the key is wrong. The handler
/// does not run on refusal, so nothing is read, published or changed. Wrong keys are counted per
/// remote address (<see cref="PublisherKeyGuard"/>): past its allowance every call from that
/// address gets 429 without its key being checked, so guessing cannot go faster than the allowance.
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

        // An address that presented too many wrong keys gets no answer on any key for a while:
        // checking the key first would still let it guess at full speed.
        var remote = RemoteAddress.Key(http.Connection.RemoteIpAddress);
        if (!guard.TryBeginCheck(remote))
        {
            return ValueTask.FromResult<object?>(TooManyWrongKeys(http));
        }

        var index = keys.Match(presented);
        if (!guard.EndCheck(remote, wrong: index < 0))
        {
            return ValueTask.FromResult<object?>(TooManyWrongKeys(http));
        }

        if (index < 0)
        {
            return ValueTask.FromResult<object?>(Problems.Forbidden("The publisher key is not valid."));
        }

        http.Items[PublisherItem] = "key:" + index.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return next(context);
    }

    private static IResult TooManyWrongKeys(HttpContext http) =>
        Problems.TooMany(http, "Too many wrong publisher keys from this address; no key is checked until it slows down.", PublisherKeyGuard.BlockSeconds);
}

using System.Globalization;

namespace OrleansSse.Silo.Http;

/// <summary>
/// Turns <see cref="BackplaneUnavailableException"/> into 503 with a problem body of type
/// <see cref="SseProblemTypes.BackplaneUnavailable"/> and <c>Retry-After: 2</c>: never a silent drop.
/// The detail is fixed (the request and when to retry; for a request that changes something, that it
/// may still have taken effect): the exception's own message, which may name the backplane's address
/// and its client's internals, goes to the log only.
/// </summary>
internal sealed class BackplaneUnavailableMiddleware(RequestDelegate next, ILogger<BackplaneUnavailableMiddleware> logger)
{
    /// <summary>The <c>Retry-After</c> of a backplane outage, in seconds.</summary>
    public const int RetryAfterSeconds = 2;

    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        catch (BackplaneUnavailableException ex) when (!context.Response.HasStarted)
        {
            var request = context.Request;
            SiloLog.BackplaneUnavailable(logger, request.Method, request.Path, ex);
            context.Response.Clear();
            await Problems.BackplaneUnavailable(context, Detail(request), RetryAfterSeconds).ExecuteAsync(context);
        }
    }

    /// <summary>The 503's detail for <paramref name="request"/>.</summary>
    public static string Detail(HttpRequest request)
    {
        var retry = string.Create(CultureInfo.InvariantCulture, $"retry after {RetryAfterSeconds} s.");
        return HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method)
            ? $"The backplane is unavailable, so {request.Method} {request.Path.Value} could not be served; {retry}"
            : $"The backplane is unavailable, so {request.Method} {request.Path.Value} could not be completed; {retry} "
                + "It may still have taken effect if the backplane failed after taking it, so a retry may repeat it.";
    }
}

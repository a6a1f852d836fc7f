using Microsoft.Net.Http.Headers;

namespace OrleansSse.Silo.Security;

/// <summary>
/// Adds <c>Vary: Origin</c> (once) to every response while CORS is on. The CORS headers depend on
/// the request's <c>Origin</c> (sent back for a listed origin, absent for any other and for requests
/// without one), so a shared cache must not serve one origin's answer to another. ASP.NET Core's
/// CORS middleware says so only when several origins are listed, and only on answers to a listed
/// origin. Runs before the CORS middleware: its response-starting callback runs after CORS has
/// written its headers (callbacks run in reverse order of registration), also for preflights,
/// SSE streams and responses cleared after an error.
/// </summary>
internal sealed class VaryByOriginMiddleware(RequestDelegate next)
{
    private static readonly Func<object, Task> AddVary = static state =>
    {
        var headers = ((HttpResponse)state).Headers;
        if (!VariesByOrigin(headers.Vary))
        {
            headers.Append(HeaderNames.Vary, HeaderNames.Origin);
        }

        return Task.CompletedTask;
    };

    public Task InvokeAsync(HttpContext context)
    {
        context.Response.OnStarting(AddVary, context.Response);
        return next(context);
    }

    private static bool VariesByOrigin(Microsoft.Extensions.Primitives.StringValues vary)
    {
        foreach (var value in vary)
        {
            foreach (var name in (value ?? "").Split(',', StringSplitOptions.TrimEntries))
            {
                if (name == "*" || string.Equals(name, HeaderNames.Origin, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }
        }

        return false;
    }
}

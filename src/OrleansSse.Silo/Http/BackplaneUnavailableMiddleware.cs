namespace OrleansSse.Silo.Http;

/// <summary>
/// Turns <see cref="BackplaneUnavailableException"/> into 503 with a problem body of type
/// <see cref="SseProblemTypes.BackplaneUnavailable"/>: never a silent drop.
/// </summary>
internal sealed class BackplaneUnavailableMiddleware(RequestDelegate next, ILogger<BackplaneUnavailableMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        catch (BackplaneUnavailableException ex) when (!context.Response.HasStarted)
        {
            SiloLog.BackplaneUnavailable(logger, context.Request.Path, ex);
            context.Response.Clear();
            await Problems.BackplaneUnavailable(context, ex.Message, 2).ExecuteAsync(context);
        }
    }
}

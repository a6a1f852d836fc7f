using System.Globalization;

namespace OrleansSse.Silo.Http;

/// <summary>JSON problem responses (<c>application/problem+json</c>) for every refusal.</summary>
internal static class Problems
{
    public static IResult BadRequest(string detail) =>
        Results.Problem(detail: detail, statusCode: StatusCodes.Status400BadRequest, title: "Invalid request");

    public static IResult Unauthorized(string detail) =>
        Results.Problem(detail: detail, statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized");

    public static IResult Forbidden(string detail) =>
        Results.Problem(detail: detail, statusCode: StatusCodes.Status403Forbidden, title: "Forbidden");

    public static IResult Conflict(string detail) =>
        Results.Problem(detail: detail, statusCode: StatusCodes.Status409Conflict, title: "Limit reached");

    public static IResult TooLarge(long limit) =>
        Results.Problem(
            detail: $"The request body is larger than {limit.ToString(CultureInfo.InvariantCulture)} bytes.",
            statusCode: StatusCodes.Status413PayloadTooLarge,
            title: "Request body too large");

    public static IResult Unavailable(HttpContext context, string detail, int retryAfterSeconds) =>
        WithRetryAfter(context, retryAfterSeconds,
            Results.Problem(detail: detail, statusCode: StatusCodes.Status503ServiceUnavailable, title: "Service unavailable"));

    /// <summary>The backplane could not take or serve the request: 503 of type <see cref="SseProblemTypes.BackplaneUnavailable"/>.</summary>
    public static IResult BackplaneUnavailable(HttpContext context, string detail, int retryAfterSeconds) =>
        WithRetryAfter(context, retryAfterSeconds,
            Results.Problem(
                detail: detail, statusCode: StatusCodes.Status503ServiceUnavailable, title: "Backplane unavailable",
                type: SseProblemTypes.BackplaneUnavailable));

    public static IResult TooMany(HttpContext context, string detail, int retryAfterSeconds) =>
        WithRetryAfter(context, retryAfterSeconds,
            Results.Problem(
                detail: detail, statusCode: StatusCodes.Status429TooManyRequests, title: "Too many requests",
                type: "https://tools.ietf.org/html/rfc6585#section-4"));

    /// <summary>
    /// Gives the bodies ASP.NET Core writes itself (status code pages: an unknown path or method) a
    /// <c>detail</c> like every other refusal; problems that have one keep it.
    /// </summary>
    public static void AddMissingDetail(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        if (problem.Detail is not null)
        {
            return;
        }

        var request = context.HttpContext.Request;
        problem.Detail = problem.Status switch
        {
            StatusCodes.Status404NotFound => $"Nothing answers {request.Method} {request.Path.Value}.",
            StatusCodes.Status405MethodNotAllowed => context.HttpContext.Response.Headers.Allow is { Count: > 0 } allow
                ? $"{request.Method} is not allowed on {request.Path.Value}; allowed: {allow}."
                : $"{request.Method} is not allowed on {request.Path.Value}.",
            _ => null,
        };
    }

    private static IResult WithRetryAfter(HttpContext context, int seconds, IResult result)
    {
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return result;
    }
}

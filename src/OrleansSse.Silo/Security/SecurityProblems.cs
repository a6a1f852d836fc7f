namespace OrleansSse.Silo.Security;

/// <summary>Problem responses (<c>application/problem+json</c>) for authentication and quota refusals.</summary>
internal static class SecurityProblems
{
    public static IResult Unauthorized(string detail) =>
        Results.Problem(detail: detail, statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized");

    public static IResult Forbidden(string detail) =>
        Results.Problem(detail: detail, statusCode: StatusCodes.Status403Forbidden, title: "Forbidden");

    public static IResult Conflict(string detail) =>
        Results.Problem(detail: detail, statusCode: StatusCodes.Status409Conflict, title: "Limit reached");
}

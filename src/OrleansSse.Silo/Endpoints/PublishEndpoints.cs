using OrleansSse.Silo.Http;

namespace OrleansSse.Silo.Endpoints;

/// <summary><c>POST /api/sse/send</c>, <c>/broadcast</c> and <c>/groups/{group}/send</c>.</summary>
internal static class PublishEndpoints
{
    public static RouteGroupBuilder MapPublishEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/sse");
        group.MapPost("/send", SendAsync);
        group.MapPost("/broadcast", BroadcastAsync);
        group.MapPost("/groups/{group}/send", GroupSendAsync);
        return group;
    }

    private static async Task<IResult> SendAsync(HttpContext context, ISseCluster cluster)
    {
        var (request, problem) = await JsonBody.ReadPublishAsync(context, withClientId: true);
        if (request is null)
        {
            return problem!;
        }

        var result = await cluster.GetClient(request.ClientId!).SendAsync(request.Event, context.RequestAborted);
        return Results.Json(new { id = result.Id, online = result.Online }, statusCode: StatusCodes.Status202Accepted);
    }

    private static async Task<IResult> BroadcastAsync(HttpContext context, ISseCluster cluster)
    {
        var (request, problem) = await JsonBody.ReadPublishAsync(context, withClientId: false);
        if (request is null)
        {
            return problem!;
        }

        var result = await cluster.GetBroadcast().SendAsync(request.Event, context.RequestAborted);
        return Results.Json(new { id = result.Id, online = result.Online }, statusCode: StatusCodes.Status202Accepted);
    }

    private static async Task<IResult> GroupSendAsync(string group, HttpContext context, ISseCluster cluster)
    {
        if (!SseNames.IsValidKey(group))
        {
            return Problems.BadRequest(JsonBody.InvalidKey("group"));
        }

        var (request, problem) = await JsonBody.ReadPublishAsync(context, withClientId: false);
        if (request is null)
        {
            return problem!;
        }

        var result = await cluster.GetGroup(group).SendAsync(request.Event, context.RequestAborted);
        return Results.Json(new { id = result.Id, online = result.Online }, statusCode: StatusCodes.Status202Accepted);
    }
}

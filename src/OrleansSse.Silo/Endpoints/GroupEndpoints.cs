using OrleansSse.Silo.Http;
using OrleansSse.Silo.Security;

namespace OrleansSse.Silo.Endpoints;

/// <summary>Group membership: <c>PUT</c>/<c>DELETE /api/sse/groups/{group}/clients/{client_id}</c>, <c>GET /api/sse/groups/{group}</c>.</summary>
internal static class GroupEndpoints
{
    public static RouteGroupBuilder MapGroupEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/sse/groups/{group}");
        group.MapPut("/clients/{client_id}", AddAsync);
        group.MapDelete("/clients/{client_id}", RemoveAsync);
        group.MapGet("", GetAsync);
        return group;
    }

    // Joins through the group quota: the limit is checked and the join applied in one atomic step (409 past it).
    private static async Task<IResult> AddAsync(string group, string client_id, GroupQuota quota, CancellationToken cancellationToken)
    {
        if (Validate(group, client_id) is { } problem)
        {
            return problem;
        }

        return await quota.JoinAsync(client_id, [group], cancellationToken) ?? Results.NoContent();
    }

    private static async Task<IResult> RemoveAsync(string group, string client_id, ISseCluster cluster, CancellationToken cancellationToken)
    {
        if (Validate(group, client_id) is { } problem)
        {
            return problem;
        }

        await cluster.GetGroup(group).RemoveAsync(client_id, cancellationToken);
        return Results.NoContent();
    }

    private static async Task<IResult> GetAsync(string group, ISseCluster cluster, CancellationToken cancellationToken)
    {
        if (!SseNames.IsValidKey(group))
        {
            return Problems.BadRequest(JsonBody.InvalidKey("group"));
        }

        var members = await cluster.GetGroup(group).GetMembersAsync(cancellationToken);
        return Results.Json(new { group, clients = members });
    }

    private static IResult? Validate(string group, string clientId) =>
        !SseNames.IsValidKey(group) ? Problems.BadRequest(JsonBody.InvalidKey("group"))
        : !SseNames.IsValidKey(clientId) ? Problems.BadRequest(JsonBody.InvalidKey("client_id"))
        : null;
}

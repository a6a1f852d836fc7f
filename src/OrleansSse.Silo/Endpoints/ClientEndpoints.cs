using OrleansSse.Silo.Http;

namespace OrleansSse.Silo.Endpoints;

/// <summary><c>GET /api/sse/clients/{client_id}</c> and <c>POST /api/sse/clients/{client_id}/disconnect</c>.</summary>
internal static class ClientEndpoints
{
    public static RouteGroupBuilder MapClientEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/sse/clients");
        group.MapGet("/{client_id}", GetAsync);
        group.MapPost("/{client_id}/disconnect", DisconnectAsync);
        return group;
    }

    private static async Task<IResult> GetAsync(string client_id, ISseCluster cluster, CancellationToken cancellationToken)
    {
        if (!SseNames.IsValidKey(client_id))
        {
            return Problems.BadRequest(JsonBody.InvalidKey("client_id"));
        }

        var info = await cluster.GetClient(client_id).GetInfoAsync(cancellationToken);
        return Results.Json(new { client_id = info.ClientId, online = info.Online, groups = info.Groups });
    }

    private static async Task<IResult> DisconnectAsync(string client_id, ISseCluster cluster, CancellationToken cancellationToken)
    {
        if (!SseNames.IsValidKey(client_id))
        {
            return Problems.BadRequest(JsonBody.InvalidKey("client_id"));
        }

        await cluster.GetClient(client_id).DisconnectAsync(cancellationToken);
        return Results.NoContent();
    }
}

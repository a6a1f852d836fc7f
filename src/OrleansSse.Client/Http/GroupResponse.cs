using System.Text.Json.Serialization;

namespace OrleansSse.Client.Http;

/// <summary><c>GET /api/sse/groups/{group}</c>: <c>{"group","clients":[…]}</c>.</summary>
internal sealed record GroupResponse(
    [property: JsonPropertyName("group")] string Group,
    [property: JsonPropertyName("clients")] string[] Clients);

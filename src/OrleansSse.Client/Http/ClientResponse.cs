using System.Text.Json.Serialization;

namespace OrleansSse.Client.Http;

/// <summary><c>GET /api/sse/clients/{client_id}</c>: <c>{"client_id","online","groups":[…]}</c>.</summary>
internal sealed record ClientResponse(
    [property: JsonPropertyName("client_id")] string ClientId,
    [property: JsonPropertyName("online")] bool Online,
    [property: JsonPropertyName("groups")] string[] Groups);

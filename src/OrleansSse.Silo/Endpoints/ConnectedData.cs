using System.Text.Json.Serialization;

namespace OrleansSse.Silo.Endpoints;

/// <summary>The data of the first event of every stream.</summary>
internal sealed record ConnectedData(
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("client_id")] string ClientId,
    [property: JsonPropertyName("recovered")] bool Recovered);

using System.Text.Json.Serialization;

namespace OrleansSse.Client.Http;

/// <summary><c>202 {"id","online"?}</c>: the silo answers <c>online</c> for direct sends only.</summary>
internal sealed record PublishResponse(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("online")] bool? Online);

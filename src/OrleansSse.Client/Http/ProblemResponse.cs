using System.Text.Json.Serialization;

namespace OrleansSse.Client.Http;

/// <summary>The fields of an <c>application/problem+json</c> body the client reads.</summary>
internal sealed record ProblemResponse(
    [property: JsonPropertyName("type")] string? Type,
    [property: JsonPropertyName("title")] string? Title,
    [property: JsonPropertyName("detail")] string? Detail);

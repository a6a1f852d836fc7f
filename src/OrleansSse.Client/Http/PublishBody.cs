using System.Text.Json.Serialization;

namespace OrleansSse.Client.Http;

/// <summary>The body of <c>POST /api/sse/send</c>, <c>/broadcast</c> and <c>/groups/{group}/send</c>; <c>data</c> is sent as a JSON string, which the silo forwards as its text.</summary>
internal sealed record PublishBody(
    [property: JsonPropertyName("client_id"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ClientId,
    [property: JsonPropertyName("event")] string Event,
    [property: JsonPropertyName("data")] string Data,
    [property: JsonPropertyName("coalesce_key"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? CoalesceKey = null);

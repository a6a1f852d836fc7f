using System.Text.Json.Serialization;

namespace OrleansSse.Client.Http;

/// <summary>
/// <c>202 {"id","online"}</c>: the silo answers <c>online</c> for direct, group and broadcast sends
/// alike (whether any connection received the event live); a missing <c>online</c> reads as false.
/// </summary>
internal sealed record PublishResponse(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("online")] bool? Online);

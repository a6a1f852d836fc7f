namespace OrleansSse.Silo.Http;

/// <summary>A validated publish body: <c>{"client_id"?, "event"?, "data"}</c>.</summary>
internal sealed record PublishRequest(string? ClientId, SseEvent Event);

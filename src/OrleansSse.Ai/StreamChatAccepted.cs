using System.Text.Json.Serialization;

namespace OrleansSse.Ai;

/// <summary>The <c>202</c> body of <c>POST /api/ai/stream-chat</c>.</summary>
internal sealed record StreamChatAccepted([property: JsonPropertyName("client_id")] string ClientId);

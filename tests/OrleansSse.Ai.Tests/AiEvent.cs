using System.Text.Json;

namespace OrleansSse.Ai.Tests;

/// <summary>One <c>ai_response</c> event as a client receives it.</summary>
internal sealed record AiEvent(string Content, bool Done, string? Error, string Id)
{
    public static AiEvent Parse(string data, string id)
    {
        using var doc = JsonDocument.Parse(data);
        var root = doc.RootElement;
        var error = root.TryGetProperty("error", out var e) ? e.GetString() : null;
        return new AiEvent(root.GetProperty("content").GetString()!, root.GetProperty("done").GetBoolean(), error, id);
    }
}

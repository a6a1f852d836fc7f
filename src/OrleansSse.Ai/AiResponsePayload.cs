using System.Text;
using System.Text.Json;

namespace OrleansSse.Ai;

/// <summary>The <c>ai_response</c> event and its data: <c>{"content":"…","done":false|true[,"error":"…"]}</c>.</summary>
internal static class AiResponsePayload
{
    public const string EventName = AiStreamingService.EventName;

    // Tokens are text for a page, not HTML: only what JSON itself needs is escaped, so a token
    // costs its own bytes (quotes and line breaks stay escaped, so the data is one line).
    private static readonly JsonWriterOptions Relaxed = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static SseEvent Token(string content) => new(EventName, Write(content, done: false, error: null));

    public static SseEvent Done() => new(EventName, Write("", done: true, error: null));

    public static SseEvent Failed(string error) => new(EventName, Write("", done: true, error));

    private static string Write(string content, bool done, string? error)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, Relaxed))
        {
            json.WriteStartObject();
            json.WriteString("content", content);
            json.WriteBoolean("done", done);
            if (error is not null)
            {
                json.WriteString("error", error);
            }

            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}

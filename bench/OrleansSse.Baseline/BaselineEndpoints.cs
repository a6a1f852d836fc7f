using System.Text;
using System.Text.Json;

namespace OrleansSse.Baseline;

/// <summary>
/// The subset of the OrleansSse HTTP contract the benchmark uses: stream, send, broadcast,
/// metrics. Each message is formatted per client, written and flushed on its own.
/// </summary>
internal static class BaselineEndpoints
{
    public static void Map(WebApplication app)
    {
        app.MapGet("/api/sse", StreamAsync);
        app.MapPost("/api/sse/send", SendAsync);
        app.MapPost("/api/sse/broadcast", BroadcastAsync);
        app.MapGet("/healthz", () => Results.Text("ok"));
        app.MapGet("/metrics", (BaselineHub hub) => Results.Text(
            $"sse_connections_active {hub.Active}\nsse_connections_total {hub.TotalConnections}\n" +
            $"sse_messages_sent_total {hub.Sent}\nsse_messages_dropped_total {hub.Dropped}\n",
            "text/plain; version=0.0.4"));
    }

    private static async Task StreamAsync(HttpContext context, BaselineHub hub)
    {
        var clientId = context.Request.Query["client_id"].ToString();
        if (clientId.Length == 0)
        {
            clientId = Guid.NewGuid().ToString("N");
        }
        var response = context.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        var aborted = context.RequestAborted;
        var client = hub.Connect(clientId);
        try
        {
            var hello = $"event: connected\ndata: {{\"status\":\"connected\",\"client_id\":{JsonSerializer.Serialize(clientId)},\"recovered\":true}}\n\nretry: 3000\n\n";
            await response.WriteAsync(hello, aborted);
            await response.Body.FlushAsync(aborted);
            await foreach (var message in client.Reader.ReadAllAsync(aborted))
            {
                await response.WriteAsync(Format(message), aborted);
                await response.Body.FlushAsync(aborted);
                hub.MarkSent();
            }
        }
        catch (OperationCanceledException)
        {
            // The client went away.
        }
        finally
        {
            hub.Disconnect(client);
        }
    }

    private static async Task<IResult> SendAsync(HttpContext context, BaselineHub hub)
    {
        using var body = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
        var root = body.RootElement;
        if (!root.TryGetProperty("client_id", out var clientId) || clientId.GetString() is not { Length: > 0 } id)
        {
            return Results.Problem("client_id is required", statusCode: 400);
        }
        var message = ReadMessage(root, hub);
        var online = hub.Send(id, message);
        return Results.Json(new { id = message.Id, online }, statusCode: 202);
    }

    private static async Task<IResult> BroadcastAsync(HttpContext context, BaselineHub hub)
    {
        using var body = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
        var message = ReadMessage(body.RootElement, hub);
        hub.Broadcast(message);
        return Results.Json(new { id = message.Id }, statusCode: 202);
    }

    private static BaselineMessage ReadMessage(JsonElement root, BaselineHub hub)
    {
        var name = root.TryGetProperty("event", out var e) && e.GetString() is { Length: > 0 } n ? n : "message";
        var data = !root.TryGetProperty("data", out var d) ? ""
            : d.ValueKind == JsonValueKind.String ? d.GetString() ?? "" : d.GetRawText();
        return new BaselineMessage(hub.NextId(), name, data);
    }

    private static string Format(BaselineMessage message)
    {
        if (message.Event is null)
        {
            return ": heartbeat\n\n";
        }
        var text = new StringBuilder();
        text.Append("id: ").Append(message.Id).Append('\n');
        text.Append("event: ").Append(message.Event).Append('\n');
        foreach (var line in message.Data.ReplaceLineEndings("\n").Split('\n'))
        {
            text.Append("data: ").Append(line).Append('\n');
        }
        return text.Append('\n').ToString();
    }
}

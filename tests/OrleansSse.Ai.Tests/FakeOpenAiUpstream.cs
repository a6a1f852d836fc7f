using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace OrleansSse.Ai.Tests;

/// <summary>
/// An OpenAI-compatible <c>POST /v1/chat/completions</c> on loopback (real Kestrel) that answers
/// with the configured status, or streams the configured <c>data:</c> chunks as Server-Sent
/// Events and then <c>data: [DONE]</c>. Records each request it got.
/// </summary>
internal sealed class FakeOpenAiUpstream : IAsyncDisposable
{
    private readonly LoopbackApp _app;

    private FakeOpenAiUpstream(LoopbackApp app) => _app = app;

    public string BaseUrl => new Uri(_app.Address, "/v1").ToString();

    public ConcurrentQueue<UpstreamRequest> Requests { get; } = new();

    public static async Task<FakeOpenAiUpstream> StartAsync(int status, IReadOnlyList<string> chunks, IReadOnlyList<string>? afterDone = null)
    {
        FakeOpenAiUpstream? self = null;
        var app = await LoopbackApp.StartAsync(
            _ => { },
            app => app.MapPost("/v1/chat/completions", async (HttpContext context) =>
            {
                using var body = await JsonDocument.ParseAsync(context.Request.Body);
                self!.Requests.Enqueue(new UpstreamRequest(context.Request.Headers.Authorization.ToString(), body.RootElement.Clone()));
                context.Response.StatusCode = status;
                if (status != StatusCodes.Status200OK)
                {
                    context.Response.ContentType = "application/json";
                    await context.Response.WriteAsync("{\"error\":{\"message\":\"upstream exploded\"}}");
                    return;
                }

                context.Response.ContentType = "text/event-stream";
                foreach (var chunk in chunks)
                {
                    await context.Response.WriteAsync("data: " + chunk + "\n\n");
                    await context.Response.Body.FlushAsync();
                }

                await context.Response.WriteAsync("data: [DONE]\n\n");
                foreach (var chunk in afterDone ?? [])
                {
                    await context.Response.WriteAsync("data: " + chunk + "\n\n");
                }
            }));
        self = new FakeOpenAiUpstream(app);
        return self;
    }

    /// <summary>An OpenAI streaming chunk carrying <paramref name="content"/>.</summary>
    public static string Chunk(string content) =>
        JsonSerializer.Serialize(new { id = "chatcmpl-1", @object = "chat.completion.chunk", model = "fake", choices = new[] { new { index = 0, delta = new { content } } } });

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}

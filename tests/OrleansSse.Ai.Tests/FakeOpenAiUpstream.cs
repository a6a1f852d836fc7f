using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace OrleansSse.Ai.Tests;

/// <summary>
/// An OpenAI-compatible <c>POST /v1/chat/completions</c> on loopback (real Kestrel). By default it
/// answers with the configured status, or streams the configured <c>data:</c> chunks as
/// Server-Sent Events and then <c>data: [DONE]</c>; the stalling and trickling modes never finish.
/// Records each request it got and whether the caller gave up on one (<see cref="Abandoned"/>).
/// </summary>
internal sealed class FakeOpenAiUpstream : IAsyncDisposable
{
    private readonly TaskCompletionSource _abandoned = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private LoopbackApp? _app;

    private FakeOpenAiUpstream()
    {
    }

    public string BaseUrl => new Uri(_app!.Address, "/v1").ToString();

    public ConcurrentQueue<UpstreamRequest> Requests { get; } = new();

    /// <summary>Completes when a caller closed a request that the upstream had not finished (its connection is gone).</summary>
    public Task Abandoned => _abandoned.Task;

    public static Task<FakeOpenAiUpstream> StartAsync(int status, IReadOnlyList<string> chunks, IReadOnlyList<string>? afterDone = null) =>
        StartAsync(async (context, _) =>
        {
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
                await WriteAsync(context, chunk, default);
            }

            await context.Response.WriteAsync("data: [DONE]\n\n");
            foreach (var chunk in afterDone ?? [])
            {
                await context.Response.WriteAsync("data: " + chunk + "\n\n");
            }
        });

    /// <summary>
    /// Sends its response headers and <paramref name="chunks"/> (with <paramref name="sendHeaders"/>
    /// false: nothing at all), then nothing more until the caller closes the request.
    /// </summary>
    public static Task<FakeOpenAiUpstream> StartStallingAsync(IReadOnlyList<string> chunks, bool sendHeaders = true) =>
        StartAsync(async (context, stop) =>
        {
            if (sendHeaders)
            {
                context.Response.ContentType = "text/event-stream";
                await context.Response.StartAsync(stop);
                foreach (var chunk in chunks)
                {
                    await WriteAsync(context, chunk, stop);
                }
            }

            await Task.Delay(Timeout.InfiniteTimeSpan, stop);
        });

    /// <summary>Streams a one-character chunk every <paramref name="every"/> until the caller closes the request.</summary>
    public static Task<FakeOpenAiUpstream> StartTricklingAsync(TimeSpan every) =>
        StartAsync(async (context, stop) =>
        {
            context.Response.ContentType = "text/event-stream";
            while (true)
            {
                await WriteAsync(context, Chunk("."), stop);
                await Task.Delay(every, stop); // the fake model's pace, not a test's synchronisation
            }
        });

    /// <summary>An OpenAI streaming chunk carrying <paramref name="content"/>.</summary>
    public static string Chunk(string content) =>
        JsonSerializer.Serialize(new { id = "chatcmpl-1", @object = "chat.completion.chunk", model = "fake", choices = new[] { new { index = 0, delta = new { content } } } });

    public ValueTask DisposeAsync() => _app?.DisposeAsync() ?? ValueTask.CompletedTask;

    private static async Task WriteAsync(HttpContext context, string chunk, CancellationToken cancellationToken)
    {
        await context.Response.WriteAsync("data: " + chunk + "\n\n", cancellationToken);
        await context.Response.Body.FlushAsync(cancellationToken);
    }

    /// <summary>Serves requests with <paramref name="respond"/>, given a token that fires when the caller leaves or the app stops.</summary>
    private static async Task<FakeOpenAiUpstream> StartAsync(Func<HttpContext, CancellationToken, Task> respond)
    {
        var self = new FakeOpenAiUpstream();
        self._app = await LoopbackApp.StartAsync(
            _ => { },
            app => app.MapPost("/v1/chat/completions", async (HttpContext context) =>
            {
                using var body = await JsonDocument.ParseAsync(context.Request.Body);
                self.Requests.Enqueue(new UpstreamRequest(context.Request.Headers.Authorization.ToString(), body.RootElement.Clone()));
                var stopping = context.RequestServices.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
                using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
                try
                {
                    await respond(context, stop.Token);
                }
                catch (Exception ex) when (ex is OperationCanceledException or IOException && context.RequestAborted.IsCancellationRequested)
                {
                    self._abandoned.TrySetResult();
                }
            }));
        return self;
    }
}

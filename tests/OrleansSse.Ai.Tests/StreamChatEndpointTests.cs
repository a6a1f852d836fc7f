using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OrleansSse.Backplane;
using OrleansSse.Grains;

namespace OrleansSse.Ai.Tests;

public sealed class StreamChatEndpointTests : IAsyncLifetime
{
    private readonly InMemoryBackplane _backplane = new();
    private LoopbackApp? _app;
    private HttpClient? _http;

    public async Task InitializeAsync()
    {
        _app = await LoopbackApp.StartAsync(
            builder =>
            {
                builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
                {
                    ["OrleansSse:Ai:TokenDelay"] = "00:00:00",
                    ["OrleansSse:Ai:MaxPromptLength"] = "20",
                });
                builder.Services.AddSingleton<ISseBackplane>(_backplane);
                builder.Services.AddSingleton<ISseCluster>(sp => new SseCluster(sp.GetRequiredService<ISseBackplane>()));
                builder.Services.AddOrleansSseAi(builder.Configuration);
            },
            app => app.MapOrleansSseAi());
        _http = new HttpClient { BaseAddress = _app.Address };
    }

    public async Task DisposeAsync()
    {
        _http?.Dispose();
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    [Fact]
    public async Task ValidPromptAnswers202AndTheAnswerStreamsToTheClient()
    {
        await using var recorder = await AiEventRecorder.StartAsync(_backplane, "web-1");

        using var response = await _http!.PostAsJsonAsync("/api/ai/stream-chat", new Dictionary<string, string> { ["prompt"] = "What is SSE?", ["client_id"] = "web-1" });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("web-1", body.RootElement.GetProperty("client_id").GetString());
        var events = await recorder.UntilDoneAsync();
        Assert.Equal(SimulatedChatClient.ComposeAnswer("What is SSE?"), string.Concat(events.Select(e => e.Content)));
    }

    [Theory]
    [InlineData("{\"client_id\":\"c1\"}", "prompt")]
    [InlineData("{\"prompt\":\"  \",\"client_id\":\"c1\"}", "prompt")]
    [InlineData("{\"prompt\":42,\"client_id\":\"c1\"}", "prompt")]
    [InlineData("{\"prompt\":\"this prompt is far too long\",\"client_id\":\"c1\"}", "at most 20")]
    [InlineData("{\"prompt\":\"hi\"}", "client_id")]
    [InlineData("{\"prompt\":\"hi\",\"client_id\":\"not valid!\"}", "client_id")]
    [InlineData("{\"prompt\":\"hi\",\"client_id\":\"c1\",\"model\":\"x\"}", "Unknown property 'model'. Allowed: prompt, client_id")]
    [InlineData("{\"prompt\":\"hi\",", "JSON")]
    [InlineData("[\"hi\"]", "JSON")]
    [InlineData("", "JSON")]
    public async Task InvalidRequestAnswers400WithAProblemBody(string json, string detailMentions)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");

        using var response = await _http!.PostAsync("/api/ai/stream-chat", content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(400, problem.RootElement.GetProperty("status").GetInt32());
        Assert.Contains(detailMentions, problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AStoppingServiceAnswers503WithRetryAfter()
    {
        await _app!.App.Services.GetRequiredService<AiStreamingService>().StopAsync(CancellationToken.None);

        using var response = await _http!.PostAsJsonAsync("/api/ai/stream-chat", new { prompt = "hi", client_id = "late-1" });

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(1), response.Headers.RetryAfter?.Delta);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(503, problem.RootElement.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task TheReturnedBuilderAcceptsAFilterSoTheEndpointCanBeSecured()
    {
        await using var app = await LoopbackApp.StartAsync(
            builder =>
            {
                builder.Services.AddSingleton<ISseCluster>(new SseCluster(new InMemoryBackplane()));
                builder.Services.AddOrleansSseAi(builder.Configuration);
            },
            app => app.MapOrleansSseAi().AddEndpointFilter((context, next) =>
                context.HttpContext.Request.Headers.Authorization == "Bearer secret"
                    ? next(context)
                    : ValueTask.FromResult<object?>(Results.Unauthorized())));
        using var http = new HttpClient { BaseAddress = app.Address };

        using var denied = await http.PostAsJsonAsync("/api/ai/stream-chat", new { prompt = "hi", client_id = "c1" });
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/ai/stream-chat") { Content = JsonContent.Create(new { prompt = "hi", client_id = "c1" }) };
        request.Headers.Authorization = new("Bearer", "secret");
        using var allowed = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, denied.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, allowed.StatusCode);
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OrleansSse.Backplane;
using OrleansSse.Grains;

namespace OrleansSse.Ai.Tests;

/// <summary>
/// The bounds of <c>POST /api/ai/stream-chat</c> on real Kestrel: the upstream's idle timeout,
/// <c>MaxAnswerDuration</c> and <c>MaxConcurrentAnswers</c>.
/// </summary>
public sealed class AiLimitsTests
{
    private readonly InMemoryBackplane _backplane = new();

    [Fact]
    public async Task AnUpstreamThatStallsAfterItsHeadersEndsTheAnswerAsAnUpstreamFailureAndFreesItsSlot()
    {
        await using var upstream = await FakeOpenAiUpstream.StartStallingAsync([FakeOpenAiUpstream.Chunk("first")]);
        await using var app = await StartAsync(OpenAi(upstream, ("UpstreamTimeout", "00:00:01.500"), ("MaxConcurrentAnswers", "1")));
        await using var recorder = await AiEventRecorder.StartAsync(_backplane, "stalled-1");

        using var response = await PromptAsync(app, "stalled-1");
        var events = await recorder.UntilDoneAsync().WaitAsync(AiEventRecorder.Timeout);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("first", events[0].Content);
        Assert.Equal(("", true), (events[^1].Content, events[^1].Done));
        Assert.Equal("The AI endpoint stopped sending: nothing arrived for 1.5 s.", events[^1].Error);
        await upstream.Abandoned.WaitAsync(AiEventRecorder.Timeout); // the upstream request was closed
        await AssertSlotFreedAsync(app, "stalled-1", "stalled-2");
    }

    [Fact]
    public async Task AnUpstreamThatSendsNoHeadersEndsTheAnswerAsAnUpstreamFailure()
    {
        await using var upstream = await FakeOpenAiUpstream.StartStallingAsync([], sendHeaders: false);
        await using var app = await StartAsync(OpenAi(upstream, ("UpstreamTimeout", "00:00:00.300")));
        await using var recorder = await AiEventRecorder.StartAsync(_backplane, "silent-1");

        using var response = await PromptAsync(app, "silent-1");
        var only = Assert.Single(await recorder.UntilDoneAsync().WaitAsync(AiEventRecorder.Timeout));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(("", true, "The AI endpoint did not answer in time."), (only.Content, only.Done, only.Error));
        await upstream.Abandoned.WaitAsync(AiEventRecorder.Timeout);
    }

    [Fact]
    public async Task AnAnswerRunningLongerThanMaxAnswerDurationIsCancelledWithAFinalErrorEvent()
    {
        // The upstream never pauses long enough for the idle timeout: only the answer's duration ends it.
        await using var upstream = await FakeOpenAiUpstream.StartTricklingAsync(TimeSpan.FromMilliseconds(20));
        await using var app = await StartAsync(OpenAi(upstream, ("MaxAnswerDuration", "00:00:01.500"), ("MaxConcurrentAnswers", "1")));
        await using var recorder = await AiEventRecorder.StartAsync(_backplane, "long-1");

        using var response = await PromptAsync(app, "long-1");
        var events = await recorder.UntilDoneAsync().WaitAsync(AiEventRecorder.Timeout);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.True(events.Count > 1);
        Assert.All(events[..^1], e => Assert.Equal((".", false, (string?)null), (e.Content, e.Done, e.Error)));
        Assert.Equal(("", true, "The answer took longer than the allowed 1.5 s."), (events[^1].Content, events[^1].Done, events[^1].Error));
        await upstream.Abandoned.WaitAsync(AiEventRecorder.Timeout);
        await AssertSlotFreedAsync(app, "long-1", "long-2");
    }

    [Fact]
    public async Task AtMaxConcurrentAnswersAPromptForAnotherClientGets503AndNothingStartsUntilASlotFrees()
    {
        var model = new ScriptedChatClient();
        await using var app = await StartAsync([("MaxConcurrentAnswers", "2")], model);
        await using var first = await AiEventRecorder.StartAsync(_backplane, "full-1");
        using (var one = await PromptAsync(app, "full-1"))
        using (var two = await PromptAsync(app, "full-2"))
        {
            Assert.Equal((HttpStatusCode.Accepted, HttpStatusCode.Accepted), (one.StatusCode, two.StatusCode));
        }

        var answer1 = await model.NextAnswerAsync();
        await model.NextAnswerAsync();

        using var refused = await PromptAsync(app, "full-3");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(5), refused.Headers.RetryAfter?.Delta);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        using (var problem = JsonDocument.Parse(await refused.Content.ReadAsStringAsync()))
        {
            Assert.Equal(503, problem.RootElement.GetProperty("status").GetInt32());
            Assert.Contains("2 AI answers are running", problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        Assert.Empty(await HistoryAsync("full-3")); // nothing published
        Assert.Equal(2, Service(app).RunningCount);
        Assert.Equal(1, Service(app).RefusedCount);

        answer1.Release("done");
        answer1.Finish();
        await first.UntilDoneAsync().WaitAsync(AiEventRecorder.Timeout);
        await Service(app).WhenAnswerEnded("full-1").WaitAsync(AiEventRecorder.Timeout);
        using var accepted = await PromptAsync(app, "full-3");

        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        Assert.Equal("hello from full-3", (await model.NextAnswerAsync()).Prompt);
        Assert.False(model.TryNextAnswer(out _)); // the refused prompt never reached the model
    }

    [Fact]
    public async Task AtTheLimitAPromptReplacingItsClientsRunningAnswerIsAcceptedAndCountedOnce()
    {
        var model = new ScriptedChatClient();
        await using var app = await StartAsync([("MaxConcurrentAnswers", "1")], model);
        await using var recorder = await AiEventRecorder.StartAsync(_backplane, "same-1");
        using (await PromptAsync(app, "same-1"))
        {
        }

        var replaced = await model.NextAnswerAsync();

        using var again = await PromptAsync(app, "same-1");
        var current = await model.NextAnswerAsync();
        using var other = await PromptAsync(app, "same-2");

        Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
        Assert.Equal(ScriptedAnswer.Cancelled, await replaced.WhenEndedAsync());
        Assert.Equal(1, Service(app).RunningCount);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, other.StatusCode);
        current.Finish();
        Assert.Equal([""], (await recorder.UntilDoneAsync().WaitAsync(AiEventRecorder.Timeout)).Select(e => e.Content));
        await AssertSlotFreedAsync(app, "same-1", "same-2");
    }

    private static AiStreamingService Service(LoopbackApp app) => app.App.Services.GetRequiredService<AiStreamingService>();

    private static (string, string)[] OpenAi(FakeOpenAiUpstream upstream, params (string Key, string Value)[] settings) =>
        [("Provider", "OpenAi"), ("BaseUrl", upstream.BaseUrl), ("Model", "fake-model"), .. settings];

    /// <summary>Once <paramref name="ended"/>'s answer has ended, the only slot is free: a prompt for another client is accepted.</summary>
    private static async Task AssertSlotFreedAsync(LoopbackApp app, string ended, string next)
    {
        await Service(app).WhenAnswerEnded(ended).WaitAsync(AiEventRecorder.Timeout);
        Assert.Equal(0, Service(app).RunningCount);
        using var response = await PromptAsync(app, next);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    private static async Task<HttpResponseMessage> PromptAsync(LoopbackApp app, string clientId)
    {
        using var http = new HttpClient { BaseAddress = app.Address };
        return await http.PostAsJsonAsync("/api/ai/stream-chat", new { prompt = "hello from " + clientId, client_id = clientId }).WaitAsync(AiEventRecorder.Timeout);
    }

    private async Task<IReadOnlyList<BackplaneMessage>> HistoryAsync(string clientId)
    {
        var current = await _backplane.GetCurrentAsync();
        return (await _backplane.ReadHistoryAsync([SseTarget.Client(clientId)], new EventCursor(current.Epoch, 0))).Events;
    }

    private Task<LoopbackApp> StartAsync((string Key, string Value)[] settings, IChatClient? model = null) =>
        LoopbackApp.StartAsync(
            builder =>
            {
                builder.Configuration.AddInMemoryCollection(settings.Select(s => KeyValuePair.Create("OrleansSse:Ai:" + s.Key, (string?)s.Value)));
                builder.Services.AddSingleton<ISseCluster>(TestServices.AiCluster(_backplane));
                if (model is not null)
                {
                    builder.Services.AddKeyedSingleton(AiServiceCollectionExtensions.ChatClientKey, model);
                }

                builder.Services.AddOrleansSseAi(builder.Configuration);
            },
            app => app.MapOrleansSseAi());
}

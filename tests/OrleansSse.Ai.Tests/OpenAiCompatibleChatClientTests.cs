using System.Net;
using Microsoft.Extensions.AI;

namespace OrleansSse.Ai.Tests;

public sealed class OpenAiCompatibleChatClientTests
{
    private static readonly string[] Hello =
    [
        "{\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\"}}]}",
        FakeOpenAiUpstream.Chunk("Hel"),
        FakeOpenAiUpstream.Chunk("lo"),
        FakeOpenAiUpstream.Chunk(" wor"),
        FakeOpenAiUpstream.Chunk("ld"),
        "{\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}",
    ];

    [Fact]
    public async Task StreamsDeltaContentAndStopsAtDone()
    {
        await using var upstream = await FakeOpenAiUpstream.StartAsync(200, Hello, afterDone: [FakeOpenAiUpstream.Chunk("NOT THIS")]);
        using var client = new OpenAiCompatibleChatClient(new HttpClient(), upstream.BaseUrl, "fake-model", "test-key", ownsHttp: true);

        var texts = new List<string>();
        await foreach (var update in client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Say hello")]).WithCancellation(default))
        {
            texts.Add(update.Text);
        }

        Assert.Equal(["Hel", "lo", " wor", "ld", ""], texts);
    }

    [Fact]
    public async Task SendsModelStreamFlagMessagesAndBearerKey()
    {
        await using var upstream = await FakeOpenAiUpstream.StartAsync(200, Hello);
        using var client = new OpenAiCompatibleChatClient(new HttpClient(), upstream.BaseUrl, "fake-model", "test-key", ownsHttp: true);

        var response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "Say hello")]);

        Assert.Equal("Hello world", response.Text);
        var request = Assert.Single(upstream.Requests);
        Assert.Equal("Bearer test-key", request.Authorization);
        Assert.Equal("fake-model", request.Body.GetProperty("model").GetString());
        Assert.True(request.Body.GetProperty("stream").GetBoolean());
        var message = Assert.Single(request.Body.GetProperty("messages").EnumerateArray());
        Assert.Equal("user", message.GetProperty("role").GetString());
        Assert.Equal("Say hello", message.GetProperty("content").GetString());
    }

    [Fact]
    public async Task NonSuccessStatusThrowsUpstreamExceptionNamingTheStatus()
    {
        await using var upstream = await FakeOpenAiUpstream.StartAsync(401, []);
        using var client = new OpenAiCompatibleChatClient(new HttpClient(), upstream.BaseUrl, "fake-model", "wrong-key", ownsHttp: true);

        var ex = await Assert.ThrowsAsync<AiUpstreamException>(() => client.GetResponseAsync([new ChatMessage(ChatRole.User, "hi")]));

        Assert.Equal(HttpStatusCode.Unauthorized, ex.StatusCode);
        Assert.Contains("401", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-key", ex.Message, StringComparison.Ordinal);
        Assert.Contains("upstream exploded", ex.ResponseBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ErrorObjectInTheStreamThrowsUpstreamException()
    {
        await using var upstream = await FakeOpenAiUpstream.StartAsync(200, [FakeOpenAiUpstream.Chunk("a"), "{\"error\":{\"message\":\"rate limited\"}}"]);
        using var client = new OpenAiCompatibleChatClient(new HttpClient(), upstream.BaseUrl, "fake-model", ownsHttp: true);

        var ex = await Assert.ThrowsAsync<AiUpstreamException>(() => client.GetResponseAsync([new ChatMessage(ChatRole.User, "hi")]));

        Assert.Contains("rate limited", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUpstreamSilentPastTheIdleTimeoutThrowsAndItsRequestIsClosed()
    {
        await using var upstream = await FakeOpenAiUpstream.StartStallingAsync([FakeOpenAiUpstream.Chunk("a")]);
        using var client = new OpenAiCompatibleChatClient(new HttpClient(), upstream.BaseUrl, "fake-model", ownsHttp: true, idleTimeout: TimeSpan.FromMilliseconds(1500));
        var texts = new List<string>();

        var ex = await Assert.ThrowsAsync<AiUpstreamException>(async () =>
        {
            await foreach (var update in client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "hi")]).WithCancellation(default))
            {
                texts.Add(update.Text);
            }
        }).WaitAsync(AiEventRecorder.Timeout);

        Assert.Equal(["a"], texts);
        Assert.Equal("The AI endpoint stopped sending: nothing arrived for 1.5 s.", ex.Message);
        await upstream.Abandoned.WaitAsync(AiEventRecorder.Timeout);
    }

    [Fact]
    public async Task ASlowButSteadyUpstreamIsNotCutByTheIdleTimeout()
    {
        // A chunk every 20 ms for longer than the idle timeout: the stream is slow, not silent. (The
        // timeout leaves room for thread-pool stalls of a cold test process on a busy machine, up
        // to a couple of seconds.)
        var idleTimeout = TimeSpan.FromSeconds(3);
        await using var upstream = await FakeOpenAiUpstream.StartTricklingAsync(TimeSpan.FromMilliseconds(20));
        using var client = new OpenAiCompatibleChatClient(new HttpClient(), upstream.BaseUrl, "fake-model", ownsHttp: true, idleTimeout: idleTimeout);
        var started = System.Diagnostics.Stopwatch.StartNew();
        var count = 0;

        await foreach (var update in client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "hi")]).WithCancellation(default))
        {
            Assert.Equal(".", update.Text);
            if (++count >= 10 && started.Elapsed > idleTimeout + TimeSpan.FromMilliseconds(500))
            {
                break;
            }
        }

        await upstream.Abandoned.WaitAsync(AiEventRecorder.Timeout); // leaving the loop closed the request
    }

    [Fact]
    public async Task TheCallerPausingBetweenUpdatesIsNotTakenForASilentUpstream()
    {
        await using var upstream = await FakeOpenAiUpstream.StartTricklingAsync(TimeSpan.FromMilliseconds(20));
        using var client = new OpenAiCompatibleChatClient(new HttpClient(), upstream.BaseUrl, "fake-model", ownsHttp: true, idleTimeout: TimeSpan.FromMilliseconds(1500));
        var count = 0;

        await foreach (var update in client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "hi")]).WithCancellation(default))
        {
            if (++count == 1)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(2000)); // a slow caller (the scenario, not synchronisation)
            }
            else if (count == 20)
            {
                break; // read on well past what the first read had buffered
            }
        }

        Assert.Equal(20, count);
    }

    [Fact]
    public void AnIdleTimeoutThatIsNotPositiveIsRefused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new OpenAiCompatibleChatClient(new HttpClient(), "http://127.0.0.1:1/v1", "m", idleTimeout: TimeSpan.Zero));

    [Fact]
    public async Task ServiceStreamsTheUpstreamAnswerToTheClient()
    {
        var (backplane, cluster) = TestServices.CreateCluster();
        await using var upstream = await FakeOpenAiUpstream.StartAsync(200, Hello);
        await using var recorder = await AiEventRecorder.StartAsync(backplane, "frank");
        await using var service = TestServices.CreateService(
            cluster, new OpenAiCompatibleChatClient(new HttpClient(), upstream.BaseUrl, "fake-model", "k", ownsHttp: true));

        await service.StartAsync("frank", "Say hello").WaitAsync(AiEventRecorder.Timeout);
        var events = await recorder.UntilDoneAsync();

        Assert.Equal(["Hel", "lo", " wor", "ld", ""], events.Select(e => e.Content));
        Assert.Null(events[^1].Error);
    }

    [Fact]
    public async Task Upstream500EndsTheAnswerWithAFinalErrorEvent()
    {
        var (backplane, cluster) = TestServices.CreateCluster();
        await using var upstream = await FakeOpenAiUpstream.StartAsync(500, []);
        await using var recorder = await AiEventRecorder.StartAsync(backplane, "gina");
        await using var service = TestServices.CreateService(
            cluster, new OpenAiCompatibleChatClient(new HttpClient(), upstream.BaseUrl, "fake-model", "k", ownsHttp: true));

        await service.StartAsync("gina", "hi").WaitAsync(AiEventRecorder.Timeout);
        var only = Assert.Single(await recorder.UntilDoneAsync());

        Assert.True(only.Done);
        Assert.Equal("", only.Content);
        Assert.Contains("500", only.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnreachableUpstreamEndsTheAnswerWithAFinalErrorEvent()
    {
        var (backplane, cluster) = TestServices.CreateCluster();
        string baseUrl;
        await using (var gone = await FakeOpenAiUpstream.StartAsync(200, Hello))
        {
            baseUrl = gone.BaseUrl;
        }

        await using var recorder = await AiEventRecorder.StartAsync(backplane, "hank");
        await using var service = TestServices.CreateService(
            cluster, new OpenAiCompatibleChatClient(new HttpClient(), baseUrl, "fake-model", ownsHttp: true));

        await service.StartAsync("hank", "hi").WaitAsync(AiEventRecorder.Timeout);
        var only = Assert.Single(await recorder.UntilDoneAsync());

        Assert.Equal("The AI endpoint could not be reached.", only.Error);
    }
}

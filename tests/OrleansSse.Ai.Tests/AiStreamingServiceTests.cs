using Microsoft.Extensions.Logging;
using OrleansSse.Backplane;
using OrleansSse.Grains;
using OrleansSse.Security.Tests;

namespace OrleansSse.Ai.Tests;

public sealed class AiStreamingServiceTests
{
    [Fact]
    public async Task SimulatedAnswerStreamsAiResponseEventsInOrderEndingWithDone()
    {
        var (backplane, cluster) = TestServices.CreateCluster();
        await using var recorder = await AiEventRecorder.StartAsync(backplane, "alice");
        await using var service = TestServices.CreateService(cluster, new SimulatedChatClient(TimeSpan.Zero));

        await service.StartAsync("alice", "How do groups work?").WaitAsync(AiEventRecorder.Timeout);
        var events = await recorder.UntilDoneAsync();

        Assert.True(events.Count > 10);
        Assert.All(events[..^1], e => Assert.False(e.Done));
        Assert.Equal(("", true, (string?)null), (events[^1].Content, events[^1].Done, events[^1].Error));
        Assert.Equal(SimulatedChatClient.ComposeAnswer("How do groups work?"), string.Concat(events.Select(e => e.Content)));
        var positions = events.Select(e => TestServices.Position(e.Id)).ToList();
        Assert.Equal(positions.Order(), positions);
    }

    [Fact]
    public async Task SecondPromptCancelsTheFirstAnswerWhoseTokensStop()
    {
        var (backplane, cluster) = TestServices.CreateCluster();
        var model = new ScriptedChatClient();
        await using var recorder = await AiEventRecorder.StartAsync(backplane, "bob");
        await using var service = TestServices.CreateService(cluster, model);

        await service.StartAsync("bob", "first").WaitAsync(AiEventRecorder.Timeout);
        var first = await model.NextAnswerAsync();
        first.Release("one ");
        Assert.Equal("one ", (await recorder.NextAsync()).Content);

        await service.StartAsync("bob", "second").WaitAsync(AiEventRecorder.Timeout);
        Assert.Equal(ScriptedAnswer.Cancelled, await first.WhenEndedAsync());
        first.Release("late ");
        var second = await model.NextAnswerAsync();
        Assert.Equal("second", second.Prompt);
        second.Release("two");
        second.Finish();

        var events = await recorder.UntilDoneAsync();
        Assert.Equal(["two", ""], events.Select(e => e.Content));
        Assert.True(events[^1].Done);
        await service.WhenAnswerEnded("bob").WaitAsync(AiEventRecorder.Timeout);
        Assert.Equal(0, service.RunningCount);
    }

    [Fact]
    public async Task ClientGoingOfflineStopsTheGenerationWithoutDoneEvent()
    {
        var (backplane, cluster) = TestServices.CreateCluster();
        var model = new ScriptedChatClient();
        var recorder = await AiEventRecorder.StartAsync(backplane, "carol");
        await using var service = TestServices.CreateService(cluster, model, o => o.OnlineCheckEveryTokens = 2);

        await service.StartAsync("carol", "tell me everything").WaitAsync(AiEventRecorder.Timeout);
        var answer = await model.NextAnswerAsync();
        answer.Release("a");
        Assert.Equal("a", (await recorder.NextAsync()).Content);

        await recorder.DisposeAsync(); // the client's connection closes: it is offline now
        answer.Release("b");

        Assert.NotEqual(ScriptedAnswer.Finished, await answer.WhenEndedAsync());
        answer.Release("c");
        var current = await backplane.GetCurrentAsync();
        var history = await backplane.ReadHistoryAsync([SseTarget.Client("carol")], new EventCursor(current.Epoch, 0));
        var sent = history.Events.Select(m => AiEvent.Parse(m.Data, m.Cursor.ToString())).ToList();
        Assert.Equal(["a", "b"], sent.Select(e => e.Content));
        Assert.DoesNotContain(sent, e => e.Done);
        await service.WhenAnswerEnded("carol").WaitAsync(AiEventRecorder.Timeout);
        Assert.Equal(0, service.RunningCount);
    }

    [Fact]
    public async Task ModelFailureEndsTheAnswerWithAnErrorEvent()
    {
        var (backplane, cluster) = TestServices.CreateCluster();
        var model = new ScriptedChatClient();
        await using var recorder = await AiEventRecorder.StartAsync(backplane, "dave");
        await using var service = TestServices.CreateService(cluster, model);

        await service.StartAsync("dave", "break").WaitAsync(AiEventRecorder.Timeout);
        var answer = await model.NextAnswerAsync();
        answer.Release("partial");
        answer.Fail(new AiUpstreamException("The AI endpoint answered 502 (Bad Gateway)."));

        var events = await recorder.UntilDoneAsync();
        Assert.Equal("partial", events[0].Content);
        Assert.Equal(("", true, "The AI endpoint answered 502 (Bad Gateway)."), (events[^1].Content, events[^1].Done, events[^1].Error));
        await service.WhenAnswerEnded("dave").WaitAsync(AiEventRecorder.Timeout);
        Assert.Equal(0, service.RunningCount);
    }

    [Fact]
    public async Task StoppingCancelsRunningAnswersWithAFinalErrorEvent()
    {
        var (backplane, cluster) = TestServices.CreateCluster();
        var model = new ScriptedChatClient();
        await using var recorder = await AiEventRecorder.StartAsync(backplane, "erin");
        var service = TestServices.CreateService(cluster, model);

        await service.StartAsync("erin", "long story").WaitAsync(AiEventRecorder.Timeout);
        var answer = await model.NextAnswerAsync();
        answer.Release("once upon");
        Assert.Equal("once upon", (await recorder.NextAsync()).Content);

        await service.StopAsync(CancellationToken.None).WaitAsync(AiEventRecorder.Timeout);

        Assert.Equal(ScriptedAnswer.Cancelled, await answer.WhenEndedAsync());
        var last = await recorder.NextAsync();
        Assert.True(last.Done);
        Assert.NotNull(last.Error);
        Assert.Equal(0, service.RunningCount);
        await Assert.ThrowsAsync<InvalidOperationException>(() => service.StartAsync("erin", "again"));
        await service.DisposeAsync();
    }

    [Fact]
    public async Task AnswersForDifferentClientsRunSideBySide()
    {
        var (backplane, cluster) = TestServices.CreateCluster();
        var model = new ScriptedChatClient();
        await using var alice = await AiEventRecorder.StartAsync(backplane, "alice");
        await using var bob = await AiEventRecorder.StartAsync(backplane, "bob");
        await using var service = TestServices.CreateService(cluster, model);

        await service.StartAsync("alice", "a").WaitAsync(AiEventRecorder.Timeout);
        var forAlice = await model.NextAnswerAsync();
        await service.StartAsync("bob", "b").WaitAsync(AiEventRecorder.Timeout);
        var forBob = await model.NextAnswerAsync();
        forBob.Release("to bob");
        forBob.Finish();
        forAlice.Release("to alice");
        forAlice.Finish();

        Assert.Equal("to alice", string.Concat((await alice.UntilDoneAsync()).Select(e => e.Content)));
        Assert.Equal("to bob", string.Concat((await bob.UntilDoneAsync()).Select(e => e.Content)));
    }

    [Fact]
    public async Task ConcurrentPromptsTakeExactlyTheLimitsSlotsAndReplacementsTakeNone()
    {
        var (_, cluster) = TestServices.CreateCluster();
        var model = new ScriptedChatClient();
        var service = TestServices.CreateService(cluster, model, o => o.MaxConcurrentAnswers = 10);
        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var starting = Enumerable.Range(0, 50).Select(i => Task.Run(async () =>
        {
            await go.Task; // all 50 continue at once, on the thread pool
            try
            {
                await service.StartAsync($"many-{i}", "first");
                return $"many-{i}";
            }
            catch (AiCapacityExceededException ex) when (ex.Limit == 10)
            {
                return null;
            }
        })).ToArray();
        go.SetResult();
        var firsts = await Task.WhenAll(starting).WaitAsync(AiEventRecorder.Timeout);
        var accepted = firsts.OfType<string>().ToArray();

        Assert.Equal(10, accepted.Length);
        Assert.Equal((10, 40L), (service.RunningCount, service.RefusedCount));

        // Two replacements per running client at once: all accepted, none takes a slot.
        await Task.WhenAll(accepted.Concat(accepted).Select(id => Task.Run(() => service.StartAsync(id, "again")))).WaitAsync(AiEventRecorder.Timeout);
        await Assert.ThrowsAsync<AiCapacityExceededException>(() => service.StartAsync("many-late", "no room"));
        Assert.Equal((10, 41L), (service.RunningCount, service.RefusedCount));

        await service.StopAsync(CancellationToken.None).WaitAsync(AiEventRecorder.Timeout);
        Assert.Equal(0, service.RunningCount);
        await service.DisposeAsync();
    }

    [Fact]
    public async Task MaxConcurrentAnswersZeroLetsEveryPromptRun()
    {
        var (_, cluster) = TestServices.CreateCluster();
        var model = new ScriptedChatClient();
        await using var service = TestServices.CreateService(cluster, model, o => o.MaxConcurrentAnswers = 0);

        foreach (var i in Enumerable.Range(0, 20))
        {
            await service.StartAsync($"open-{i}", "hi").WaitAsync(AiEventRecorder.Timeout);
        }

        Assert.Equal(20, service.RunningCount);
    }

    [Fact]
    public async Task StartRejectsInvalidClientIdAndEmptyPrompt()
    {
        var (_, cluster) = TestServices.CreateCluster();
        await using var service = TestServices.CreateService(cluster, new SimulatedChatClient(TimeSpan.Zero));

        await Assert.ThrowsAsync<ArgumentException>(() => service.StartAsync("not valid!", "hi"));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => service.StartAsync("ok", " "));
    }

    [Fact]
    public async Task AFinalEventThatCannotBeSentIsLoggedNotLeftUnobserved()
    {
        // Public grains refuse ai_response (a reserved name): the first token fails, then the final error event.
        var logs = new LogCapture(LogLevel.Warning);
        using var logging = LoggerFactory.Create(b => b.AddProvider(logs));
        await using var service = TestServices.CreateService(
            new SseCluster(new InMemoryBackplane()), new SimulatedChatClient(TimeSpan.Zero), logger: logging.CreateLogger<AiStreamingService>());

        await service.StartAsync("dave", "hello").WaitAsync(AiEventRecorder.Timeout);
        await service.WhenAnswerEnded("dave").WaitAsync(AiEventRecorder.Timeout);

        Assert.IsType<ArgumentException>(Assert.Single(logs.Entries, e => e.Id.Id == 4005).Exception);
        var finalEvent = Assert.Single(logs.Entries, e => e.Id.Id == 4011);
        Assert.Equal(LogLevel.Warning, finalEvent.Level);
        Assert.Contains("dave", finalEvent.Message, StringComparison.Ordinal);
        Assert.IsType<ArgumentException>(finalEvent.Exception);
        Assert.Equal(0, service.RunningCount);
    }
}

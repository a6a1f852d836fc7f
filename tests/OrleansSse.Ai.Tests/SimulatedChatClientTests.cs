using Microsoft.Extensions.AI;

namespace OrleansSse.Ai.Tests;

public sealed class SimulatedChatClientTests
{
    [Theory]
    [InlineData("")]
    [InlineData("hello")]
    [InlineData("  several   spaces and averyveryverylongword here ")]
    public void TokenizeCutsTextIntoPiecesWhoseConcatenationIsTheText(string text)
    {
        var tokens = SimulatedChatClient.Tokenize(text);

        Assert.Equal(text, string.Concat(tokens));
        Assert.All(tokens, t => Assert.NotEmpty(t));
    }

    [Fact]
    public void ComposeAnswerIsDeterministicAndMentionsThePrompt()
    {
        var first = SimulatedChatClient.ComposeAnswer("What is SSE?");

        Assert.Equal(first, SimulatedChatClient.ComposeAnswer("What is SSE?"));
        Assert.Contains("What is SSE?", first, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StreamingYieldsManyTokensThatMakeUpTheComposedAnswer()
    {
        using var client = new SimulatedChatClient(TimeSpan.Zero);

        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Tell me about groups")]))
        {
            updates.Add(update);
        }

        Assert.True(updates.Count > 10);
        Assert.Equal(SimulatedChatClient.ComposeAnswer("Tell me about groups"), string.Concat(updates.Select(u => u.Text)));
        Assert.Equal(ChatFinishReason.Stop, updates[^1].FinishReason);
    }

    [Fact]
    public async Task CancellingStopsTheStream()
    {
        using var client = new SimulatedChatClient(TimeSpan.FromMinutes(10));
        using var cts = new CancellationTokenSource();

        await using var stream = client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "x")], null, cts.Token).GetAsyncEnumerator();
        Assert.True(await stream.MoveNextAsync());
        var next = stream.MoveNextAsync().AsTask();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => next.WaitAsync(AiEventRecorder.Timeout));
    }
}

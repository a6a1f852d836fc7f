using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.Extensions.AI;

namespace OrleansSse.Ai.Tests;

/// <summary>
/// A model whose tokens the test releases one by one, so a test can act between tokens without
/// timing. Each prompt becomes one <see cref="ScriptedAnswer"/> in <see cref="Answers"/>.
/// </summary>
internal sealed class ScriptedChatClient : IChatClient
{
    private readonly Channel<ScriptedAnswer> _answers = Channel.CreateUnbounded<ScriptedAnswer>();

    public async Task<ScriptedAnswer> NextAnswerAsync() =>
        await _answers.Reader.ReadAsync().AsTask().WaitAsync(AiEventRecorder.Timeout);

    /// <summary>An answer that was asked for and not yet taken, if any.</summary>
    public bool TryNextAnswer(out ScriptedAnswer? answer) => _answers.Reader.TryRead(out answer);

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        GetStreamingResponseAsync(messages, options, cancellationToken).ToChatResponseAsync(cancellationToken);

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var answer = new ScriptedAnswer(messages.Last().Text);
        _answers.Writer.TryWrite(answer);
        try
        {
            await foreach (var token in answer.Tokens.Reader.ReadAllAsync(cancellationToken))
            {
                yield return new ChatResponseUpdate(ChatRole.Assistant, token);
            }

            answer.Ended.TrySetResult(ScriptedAnswer.Finished);
        }
        finally
        {
            answer.Ended.TrySetResult(cancellationToken.IsCancellationRequested ? ScriptedAnswer.Cancelled : ScriptedAnswer.Abandoned);
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }
}

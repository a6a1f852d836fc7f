using System.Threading.Channels;

namespace OrleansSse.Ai.Tests;

/// <summary>One answer of <see cref="ScriptedChatClient"/>.</summary>
internal sealed class ScriptedAnswer(string prompt)
{
    public const string Finished = "finished";
    public const string Cancelled = "cancelled";
    public const string Abandoned = "abandoned";

    public string Prompt { get; } = prompt;

    public Channel<string> Tokens { get; } = Channel.CreateUnbounded<string>();

    /// <summary>How the consumer left the answer: finished, cancelled or abandoned (stopped reading).</summary>
    public TaskCompletionSource<string> Ended { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Release(string token) => Tokens.Writer.TryWrite(token);

    public void Finish() => Tokens.Writer.TryComplete();

    public void Fail(Exception error) => Tokens.Writer.TryComplete(error);

    public Task<string> WhenEndedAsync() => Ended.Task.WaitAsync(AiEventRecorder.Timeout);
}

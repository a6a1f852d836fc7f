namespace OrleansSse.Ai;

/// <summary>
/// One running answer for one client: its cancellation (by a newer prompt, by shutdown or by
/// its deadline, <see cref="AiOptions.MaxAnswerDuration"/> after the prompt) and its completion.
/// </summary>
internal sealed class AiGeneration : IDisposable
{
    private readonly CancellationTokenSource _deadline;
    private readonly CancellationTokenSource _cancellation;
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _superseded;

    public AiGeneration(string clientId, string prompt, CancellationToken shutdown, TimeSpan maxDuration)
    {
        ClientId = clientId;
        Prompt = prompt;
        _deadline = new CancellationTokenSource(maxDuration);
        _cancellation = CancellationTokenSource.CreateLinkedTokenSource(shutdown, _deadline.Token);
    }

    public string ClientId { get; }

    public string Prompt { get; }

    public CancellationToken Token => _cancellation.Token;

    /// <summary>Whether a newer prompt for the same client cancelled this answer.</summary>
    public bool Superseded => Volatile.Read(ref _superseded) != 0;

    /// <summary>Whether the answer ran past its deadline.</summary>
    public bool TimedOut => _deadline.IsCancellationRequested;

    /// <summary>Completes when the answer has ended, however it ended. Never faults.</summary>
    public Task Completion => _completion.Task;

    /// <summary>Cancels the answer because a newer prompt for the same client replaces it.</summary>
    public void Supersede()
    {
        Interlocked.Exchange(ref _superseded, 1);
        try
        {
            _cancellation.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Already ended.
        }
    }

    public void Complete() => _completion.TrySetResult();

    public void Dispose()
    {
        _cancellation.Dispose();
        _deadline.Dispose();
    }
}

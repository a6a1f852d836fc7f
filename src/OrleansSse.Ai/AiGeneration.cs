namespace OrleansSse.Ai;

/// <summary>One running answer for one client: its cancellation and its completion.</summary>
internal sealed class AiGeneration : IDisposable
{
    private readonly CancellationTokenSource _cancellation;
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _superseded;

    public AiGeneration(string clientId, string prompt, CancellationToken shutdown)
    {
        ClientId = clientId;
        Prompt = prompt;
        _cancellation = CancellationTokenSource.CreateLinkedTokenSource(shutdown);
    }

    public string ClientId { get; }

    public string Prompt { get; }

    public CancellationToken Token => _cancellation.Token;

    /// <summary>Whether a newer prompt for the same client cancelled this answer.</summary>
    public bool Superseded => Volatile.Read(ref _superseded) != 0;

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

    public void Dispose() => _cancellation.Dispose();
}

using System.Threading.Tasks.Sources;

namespace OrleansSse.Connections;

/// <summary>
/// A reusable, allocation-free wake-up for one waiter (a connection's writer). The owner calls
/// <see cref="Reset"/> before each wait and <see cref="Set"/> at most once per wait, under its own
/// lock; the continuation runs on the thread pool, never on the caller's stack.
/// </summary>
internal sealed class WakeSignal : IValueTaskSource
{
    private ManualResetValueTaskSourceCore<bool> _core = new() { RunContinuationsAsynchronously = true };

    /// <summary>Arms the signal; the returned task completes at the next <see cref="Set"/>.</summary>
    public ValueTask Reset()
    {
        _core.Reset();
        return new ValueTask(this, _core.Version);
    }

    public void Set() => _core.SetResult(true);

    public void GetResult(short token) => _core.GetResult(token);

    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);
}

using System.Threading.Tasks.Sources;

namespace OrleansSse.Connections;

/// <summary>
/// A reusable, allocation-free wake-up for one waiter (a connection's writer). The owner calls
/// <see cref="Reset"/> before each wait and <see cref="Set"/> at most once per wait, under its own
/// lock; the continuation never runs on the caller's stack: it is deferred into the thread's open
/// <see cref="WakeBatch"/> (a fan-out) or queued to the thread pool as one work item.
/// </summary>
internal sealed class WakeSignal : IValueTaskSource, IThreadPoolWorkItem
{
    // Continuations run inline in SetNow, which only a work item (this, or a WakeBatch chunk) calls.
    private ManualResetValueTaskSourceCore<bool> _core = new() { RunContinuationsAsynchronously = false };

    /// <summary>Arms the signal; the returned task completes at the next <see cref="Set"/>.</summary>
    public ValueTask Reset()
    {
        _core.Reset();
        return new ValueTask(this, _core.Version);
    }

    /// <summary>Wakes the waiter later: with the thread's open batch, else as its own work item.</summary>
    public void Set()
    {
        if (!WakeBatch.TryDefer(this))
        {
            SetLater();
        }
    }

    /// <summary>Queues the wake-up as one thread-pool work item.</summary>
    internal void SetLater() => ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: true);

    /// <summary>Runs the waiter's continuation on this thread; callers hold no lock.</summary>
    internal void SetNow() => _core.SetResult(true);

    void IThreadPoolWorkItem.Execute() => SetNow();

    public void GetResult(short token) => _core.GetResult(token);

    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);
}

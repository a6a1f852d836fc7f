using System.Buffers;

namespace OrleansSse.Connections;

/// <summary>
/// Collects the writer wake-ups of one fan-out and runs them in order on <see cref="Runners"/>
/// thread-pool work items (half the cores, at least one) instead of one work item per writer;
/// each runs its writers' continuations (write + flush) one after the other. Measured on 2 cores
/// shared with the clients: a fan-out that takes every core starves whatever reads the bytes, so
/// the first subscribers wait for the whole fan-out; one sequential runner leaves a core free and
/// lets delivery proceed while the rest is written (see bench/RESULTS.md). Concurrent fan-outs
/// (several events) still use every core. Wake-ups raised on the current thread between
/// <see cref="Begin"/> and <see cref="Run"/> are deferred into the batch; elsewhere
/// <see cref="WakeSignal.Set"/> queues one work item as before. A writer whose flush does not
/// complete synchronously (a full socket) returns to its runner at once and resumes on its own
/// later, so a slow client delays no other.
/// </summary>
internal sealed class WakeBatch
{
    /// <summary>Work items one fan-out's wake-ups are split into: half the cores, at least one.</summary>
    internal static readonly int Runners = Math.Max(1, Environment.ProcessorCount / 2);

    [ThreadStatic]
    private static WakeBatch? t_current;

    private readonly List<WakeSignal> _signals = [];
    private int _depth;

    /// <summary>Starts deferring this thread's wake-ups (nestable); pair with <see cref="Run"/> in a finally.</summary>
    public static WakeBatch Begin()
    {
        var batch = t_current ??= new WakeBatch();
        batch._depth++;
        return batch;
    }

    /// <summary>Defers <paramref name="signal"/> when a batch is open on this thread; false when none is.</summary>
    internal static bool TryDefer(WakeSignal signal)
    {
        var batch = t_current;
        if (batch is null || batch._depth == 0)
        {
            return false;
        }

        batch._signals.Add(signal);
        return true;
    }

    /// <summary>Ends the batch: queues the deferred wake-ups to their runners (the outermost call only).</summary>
    public void Run()
    {
        if (--_depth > 0 || _signals.Count == 0)
        {
            return;
        }

        var signals = _signals;
        var slices = Math.Min(Runners, signals.Count);
        for (var i = 0; i < slices; i++)
        {
            var start = (int)((long)signals.Count * i / slices);
            var count = (int)((long)signals.Count * (i + 1) / slices) - start;
            if (count == 1)
            {
                signals[start].SetLater();
                continue;
            }

            var slice = ArrayPool<WakeSignal>.Shared.Rent(count);
            signals.CopyTo(start, slice, 0, count);
            ThreadPool.UnsafeQueueUserWorkItem(new Slice(slice, count), preferLocal: false);
        }

        signals.Clear();
    }

    // One runner: wakes its writers in order (each writes and flushes on this thread), then
    // returns the pooled array.
    private sealed class Slice(WakeSignal[] signals, int count) : IThreadPoolWorkItem
    {
        public void Execute()
        {
            for (var i = 0; i < count; i++)
            {
                signals[i].SetNow();
            }

            ArrayPool<WakeSignal>.Shared.Return(signals, clearArray: true);
        }
    }
}

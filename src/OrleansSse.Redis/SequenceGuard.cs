using Microsoft.Extensions.Logging;
using OrleansSse.Backplane;
using StackExchange.Redis;

namespace OrleansSse.Redis;

/// <summary>
/// Detects a position counter that went back: Redis lost its last writes (<c>appendfsync everysec</c>
/// after a crash, or a restart from an older snapshot) but kept its epoch key, so the next positions
/// would repeat ids already handed out. Remembers the highest position this process saw in the
/// current epoch (publish receipts, live messages, <c>GetCurrent</c>); after every reconnect it
/// compares that with the counter and, when the counter is behind, starts a new epoch atomically in
/// Redis (<c>check_sequence.lua</c>). Operations wait until that check has run.
/// </summary>
/// <remarks>
/// Limit: only positions some connected process saw can be detected; a regression that no running
/// silo or client observed goes unnoticed until a cursor beyond the counter resumes (it is then told
/// <c>"recovered": false</c>).
/// </remarks>
internal sealed class SequenceGuard(RedisKeys keys, ILogger logger)
{
    private readonly object _lock = new();
    private string _epoch = "";
    private long _position;
    private TaskCompletionSource _checked = Completed();

    /// <summary>Completes when no check is due.</summary>
    public Task Checked
    {
        get
        {
            lock (_lock)
            {
                return _checked.Task;
            }
        }
    }

    /// <summary>Records a position this process saw.</summary>
    public void Observe(string epoch, long position)
    {
        lock (_lock)
        {
            if (string.Equals(epoch, _epoch, StringComparison.Ordinal))
            {
                _position = Math.Max(_position, position);
            }
            else
            {
                _epoch = epoch;
                _position = position;
            }
        }
    }

    /// <summary>The connection to Redis dropped: operations wait for the next <see cref="CheckAsync"/>.</summary>
    public void Invalidate()
    {
        lock (_lock)
        {
            if (_checked.Task.IsCompleted)
            {
                _checked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }
    }

    /// <summary>Compares what this process saw with the counter; starts a new epoch when the counter went back.</summary>
    public async Task CheckAsync(IDatabase database)
    {
        TaskCompletionSource pending;
        string epoch;
        long position;
        lock (_lock)
        {
            (pending, epoch, position) = (_checked, _epoch, _position);
        }

        var result = (RedisResult[])(await RedisScripts.Instance.CheckSequence.EvaluateAsync(
            database, [keys.Epoch, keys.Sequence], [epoch, position, EpochGenerator.NewEpoch()]).ConfigureAwait(false))!;
        var current = (string)result[0]!;
        var counter = (long)result[1];
        if ((long)result[2] == 1)
        {
            RedisBackplaneLog.SequenceWentBack(logger, epoch, position, counter, current);
        }

        Observe(current, counter);
        pending.TrySetResult();
    }

    private static TaskCompletionSource Completed()
    {
        var done = new TaskCompletionSource();
        done.SetResult();
        return done;
    }
}

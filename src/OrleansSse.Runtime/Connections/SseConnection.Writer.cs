using System.Buffers;
using System.IO.Pipelines;

namespace OrleansSse.Connections;

/// <summary>The writer: drains the queue to the client, flushing once per batch.</summary>
internal sealed partial class SseConnection
{
    /// <summary>
    /// Writes queued frames until the stream ends: drains everything queued, then flushes once
    /// (once per <see cref="MaxBytesPerFlush"/> bytes of a long batch). Returns when the client goes away (<paramref name="requestAborted"/> or <see cref="ClientGone"/>)
    /// or the broker closes the stream. A cut cancels the pending flush and, if given, calls
    /// <paramref name="abort"/>: for an output whose pending flush a cancel does not end (a flush of
    /// Kestrel's HTTP/1.1 response body goes on waiting for the client), aborting the connection does.
    /// </summary>
    public async Task RunAsync(PipeWriter output, CancellationToken requestAborted, Action? abort = null)
    {
        lock (_lock)
        {
            _output = output;
            _abort = abort;
        }

        // Without a request token (a caller that reports the client going away with ClientGone)
        // nothing is registered: an idle stream holds no registration.
        using var onAborted = requestAborted.UnsafeRegister(static c => ((SseConnection)c!).Stop(cut: false), this);
        try
        {
            while (true)
            {
                FrameQueue batch;
                ValueTask? wait = null;
                lock (_lock)
                {
                    if (_stopped)
                    {
                        return;
                    }

                    if (_pending.Count == 0)
                    {
                        if (_ending)
                        {
                            return;
                        }

                        _waiting = true;
                        wait = _wake.Reset();
                    }

                    batch = _pending;
                    _pending = _spare;
                    _spare = batch;
                }

                if (wait is not null)
                {
                    await wait.Value.ConfigureAwait(false);
                    continue;
                }

                while (batch.Count > 0)
                {
                    var count = 0;
                    var written = 0;
                    while (written < MaxBytesPerFlush && batch.TryDequeue(out var bytes))
                    {
                        output.Write(bytes.Span);
                        written += bytes.Length;
                        count++;
                    }

                    // A stop cancels this flush; a client that went away completes it. One that
                    // does not complete at once is timed by the silo's stall sweep.
                    var flush = output.FlushAsync();
                    var waits = !flush.IsCompleted;
                    if (waits)
                    {
                        Volatile.Write(ref _flushWaitingSince, Math.Max(Environment.TickCount64, 1));
                    }

                    var result = await flush.ConfigureAwait(false);
                    if (waits)
                    {
                        Volatile.Write(ref _flushWaitingSince, 0);
                    }

                    _metrics.FramesWritten(count);
                    if (result.IsCompleted || (result.IsCanceled && IsStopped))
                    {
                        return;
                    }
                }
            }
        }
        catch (OperationCanceledException) when (IsStopped)
        {
            // The client went away or the broker cut the stream.
        }
        finally
        {
            Volatile.Write(ref _flushWaitingSince, 0);
            lock (_lock)
            {
                // Nothing is written from here on: what is still queued (or left of the writer's batch) goes.
                _output = null;
                _abort = null;
                _pending.Clear();
                _spare.Clear();
            }
        }
    }

    // The writer returns: wakes it if it waits for frames, cancels its flush if it waits for the
    // client (and, for a cut, aborts the connection if the writer was given a way to).
    private void Stop(bool cut)
    {
        PipeWriter? output;
        Action? abort;
        lock (_lock)
        {
            if (_stopped)
            {
                return;
            }

            _stopped = true;
            output = _output;
            abort = cut ? _abort : null;
            Wake();
        }

        output?.CancelPendingFlush();
        abort?.Invoke();
    }
}

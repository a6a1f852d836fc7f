using System.IO.Pipelines;
using OrleansSse.Backplane;
using OrleansSse.Metrics;

namespace OrleansSse.Connections;

/// <summary>
/// One open stream: a bounded queue of pre-encoded frames and the writer that drains it. Frames
/// carry their event position; the connection drops any position it already queued, so history
/// and live delivery can overlap safely. While <see cref="Hold"/> is in effect (connect, joining a
/// group, catching up after a backplane outage) live frames are parked; <see cref="Release"/>
/// merges them with the history read meanwhile, in position order, without duplicates. Only live
/// frames parked while held count toward the parked bound (four times the queue capacity): a
/// replay is bounded by retention.
/// Frames with a coalesce key supersede the unwritten frame with the same key (see
/// <see cref="FrameQueue"/>): superseded frames are counted as coalesced, not dropped, and do not
/// count toward the queue bound. No lock is held while writing to the socket.
/// An idle stream holds no cancellation source or timer: stopping wakes the writer and cancels
/// its pending flush (<see cref="PipeWriter.CancelPendingFlush"/>); deadlines are swept silo-wide,
/// and so are stalled writers: a flush that does not complete at once records when it started
/// (one store, only then), and the silo's sweep cuts a stream whose flush waits too long
/// (<see cref="StreamOptions.WriteStallTimeout"/>, <see cref="CutStalled"/>). A writer flushes at
/// least every <see cref="MaxBytesPerFlush"/> bytes, so one flush's wait measures the client's
/// progress, not the size of what was queued (a long replay).
/// </summary>
internal sealed partial class SseConnection
{
    /// <summary>Most bytes written between two flushes (unless one frame is longer).</summary>
    internal const int MaxBytesPerFlush = 64 * 1024;

    private readonly object _lock = new();
    private readonly StreamOptions _options;
    private readonly SseMetrics _metrics;
    private PipeWriter? _output; // while the writer runs: a stop cancels its pending flush
    private Action? _abort; // while the writer runs, if given: a cut aborts the client's connection
    private bool _stopped; // the writer must return: the client went away or the broker cut the stream
    private long _deadlineTicks; // UTC ticks at which the stream expires; 0 for never
    private long _flushWaitingSince; // Environment.TickCount64 when the pending flush went asynchronous; 0 while none waits
    private FrameQueue _pending = new();
    private FrameQueue _spare = new();
    private readonly WakeSignal _wake = new();
    private bool _waiting;
    private List<Frame>? _held; // live frames parked while held: bounded
    private List<Frame>? _replayed; // history released while another hold is in effect: merged at the last release
    private bool _heldKeyed; // a keyed frame was parked since the parked frames were last coalesced
    private int _holds = 1; // born held: nothing live is written before the connected event
    private bool _started;
    private bool _ending;

    internal SseConnection(string clientId, StreamOptions options, SseMetrics metrics)
    {
        ClientId = clientId;
        _options = options;
        _metrics = metrics;
    }

    /// <summary>The client this stream belongs to.</summary>
    public string ClientId { get; }

    /// <summary>The epoch of <see cref="LastPosition"/>.</summary>
    public string Epoch { get; internal set; } = "";

    /// <summary>Position of the last event queued.</summary>
    public long LastPosition { get; private set; }

    /// <summary>Why the broker ended it (<see cref="CloseReason.None"/> while open).</summary>
    public CloseReason CloseReason { get; private set; }

    /// <summary>Whether the writer was told to stop (the client went away or the broker cut the stream).</summary>
    internal bool IsStopped
    {
        get
        {
            lock (_lock)
            {
                return _stopped;
            }
        }
    }

    /// <summary>Sets when the stream expires (<see cref="Expire"/> by the silo's sweep); null for never.</summary>
    internal void SetDeadline(DateTimeOffset? deadline) =>
        Volatile.Write(ref _deadlineTicks, deadline is { } at ? Math.Max(at.UtcTicks, 1) : 0);

    /// <summary>Whether the stream's deadline has passed at <paramref name="now"/>.</summary>
    internal bool IsDue(DateTimeOffset now) => Volatile.Read(ref _deadlineTicks) is > 0 and var ticks && ticks <= now.UtcTicks;

    /// <summary>
    /// Whether the writer has waited on one flush to the client since <paramref name="since"/>
    /// (an <see cref="Environment.TickCount64"/> value) or earlier.
    /// </summary>
    internal bool IsWriteStalled(long since) => Volatile.Read(ref _flushWaitingSince) is > 0 and var started && started <= since;

    /// <summary>
    /// Cuts the stream as a slow consumer because its writer stalled (the client stopped reading):
    /// counted as the queue bound's disconnects, queued frames released, the writer's flush
    /// cancelled. Also cuts a stream that was ending gracefully (expiry, drain, a requested
    /// disconnect), which a stalled writer would never finish. Returns false if the stream had
    /// already been cut or its writer had already stopped.
    /// </summary>
    internal bool CutStalled()
    {
        lock (_lock)
        {
            if (_stopped || CloseReason is not (CloseReason.None or CloseReason.Draining or CloseReason.Expired or CloseReason.Requested))
            {
                return false;
            }

            SlowConsumerLocked(_pending.Count + ParkedLocked());
            return true;
        }
    }

    internal void SetCursor(string epoch, long position)
    {
        lock (_lock)
        {
            Epoch = epoch;
            LastPosition = position;
        }
    }

    /// <summary>Offers a live frame. Returns false when it was a duplicate or the stream is closed.</summary>
    internal bool Offer(Frame frame)
    {
        lock (_lock)
        {
            if (CloseReason != CloseReason.None)
            {
                return false;
            }

            if (_holds > 0)
            {
                (_held ??= []).Add(frame);
                _heldKeyed |= frame.CoalesceKey is not null;
                var bound = Math.Max(_options.QueueCapacity, 1) * 4;
                if (_held.Count > bound && !(_heldKeyed && CoalesceHeldLocked() <= bound))
                {
                    SlowConsumerLocked(ParkedLocked());
                }

                return true;
            }

            return EnqueueEventLocked(frame, bounded: true);
        }
    }

    /// <summary>
    /// Queues a watermark's id-only frame if the stream is idle: started, not held (neither opening,
    /// joining a group nor catching up, so every earlier event for it was offered already), nothing
    /// queued, in the watermark's <paramref name="epoch"/>, and behind its position. Then every event
    /// addressed to the client before the watermark is queued ahead of it, so a resume from it misses
    /// nothing. Returns whether it was queued; skipping one is always safe.
    /// </summary>
    internal bool OfferWatermark(Frame watermark, string epoch)
    {
        lock (_lock)
        {
            if (!_started || _holds > 0 || _pending.Count > 0 || CloseReason != CloseReason.None ||
                !string.Equals(Epoch, epoch, StringComparison.Ordinal))
            {
                return false;
            }

            return EnqueueEventLocked(watermark, bounded: true);
        }
    }

    /// <summary>Parks live frames until the matching <see cref="Release"/>.</summary>
    internal void Hold()
    {
        lock (_lock)
        {
            _holds++;
        }
    }

    /// <summary>
    /// Ends one hold, adding <paramref name="history"/> (kept apart from the live frames parked: it
    /// does not count toward their bound); the last release writes everything parked, in order.
    /// </summary>
    internal void Release(IReadOnlyList<Frame> history)
    {
        lock (_lock)
        {
            if (history.Count > 0 && CloseReason == CloseReason.None)
            {
                (_replayed ??= []).AddRange(history);
            }

            if (--_holds > 0 || CloseReason != CloseReason.None)
            {
                return;
            }

            var held = _held;
            if (_replayed is { } replayed)
            {
                if (held is null)
                {
                    held = replayed;
                }
                else
                {
                    held.AddRange(replayed);
                }
            }

            _held = null;
            _replayed = null;
            if (held is { Count: > 0 })
            {
                held.Sort(static (a, b) => a.Position.CompareTo(b.Position));
                foreach (var frame in held)
                {
                    // Replayed history is not bound by the live queue capacity: it is bounded by retention.
                    EnqueueEventLocked(frame, bounded: false);
                }
            }
        }
    }

    /// <summary>Queues the first bytes (the connected event and retry hint), ahead of everything else.</summary>
    internal void Start(ReadOnlyMemory<byte> first)
    {
        lock (_lock)
        {
            _started = true;
            if (_pending.Count == 0)
            {
                EnqueueLocked(first);
                return;
            }

            // Closed gracefully while opening (e.g. draining): the first bytes still go first, so
            // the drain's retry hint comes after the connected event's and wins.
            var queued = _pending.ToArray();
            _pending.Clear();
            _pending.Enqueue(first);
            foreach (var bytes in queued)
            {
                _pending.Enqueue(bytes);
            }

            Wake();
        }
    }

    /// <summary>Queues a heartbeat if the stream is started and has nothing queued.</summary>
    internal void Heartbeat()
    {
        lock (_lock)
        {
            if (_started && _pending.Count == 0 && CloseReason == CloseReason.None)
            {
                EnqueueLocked(SseEncoder.Heartbeat);
            }
        }
    }

    /// <summary>
    /// Ends the stream gracefully with <see cref="CloseReason.Expired"/> (its token expired or it
    /// reached its maximum lifetime): writes what is queued plus <paramref name="last"/> (e.g. a
    /// <c>retry:</c> hint), then ends. Does nothing if the stream already ended.
    /// </summary>
    public void Expire(ReadOnlyMemory<byte> last = default) => Close(CloseReason.Expired, last);

    /// <summary>
    /// Ends the stream. <see cref="CloseReason.Draining"/>, <see cref="CloseReason.Expired"/> and <see cref="CloseReason.Requested"/>
    /// write what is queued plus <paramref name="last"/> and then end; every other reason cuts at once.
    /// </summary>
    internal void Close(CloseReason reason, ReadOnlyMemory<byte> last = default)
    {
        lock (_lock)
        {
            if (CloseReason != CloseReason.None)
            {
                return;
            }

            CloseReason = reason;
            if (reason is CloseReason.Draining or CloseReason.Expired or CloseReason.Requested)
            {
                if (!last.IsEmpty)
                {
                    EnqueueLocked(last);
                }

                _ending = true;
                Wake();
                return;
            }
        }

        CancelLater();
    }

    /// <summary>
    /// The client went away, as seen by a caller that runs <see cref="RunAsync"/> without a request
    /// token: the writer stops. <see cref="CloseReason"/> stays <see cref="CloseReason.None"/>.
    /// </summary>
    internal void ClientGone() => Stop(cut: false);

    private bool EnqueueEventLocked(Frame frame, bool bounded)
    {
        if (frame.Position <= LastPosition)
        {
            return false;
        }

        // A keyed frame that supersedes a queued one leaves the queue's length as it was: not bound by it.
        var key = frame.CoalesceKey;
        if (bounded && _pending.Count >= _options.QueueCapacity && (key is null || !_pending.ContainsKey(key)))
        {
            if (_options.SlowConsumerPolicy == SlowConsumerPolicy.DropNewest)
            {
                _metrics.FramesDropped(1);
                return false;
            }

            SlowConsumerLocked(_pending.Count + 1);
            return false;
        }

        LastPosition = frame.Position;
        if (_pending.Enqueue(frame.Bytes, key))
        {
            _metrics.FramesCoalesced(1);
        }

        Wake();
        return true;
    }

    // Drops parked keyed frames superseded by a parked one (the queue would drop them at release
    // anyway). Returns how many frames stay parked.
    private int CoalesceHeldLocked()
    {
        _heldKeyed = false;
        _metrics.FramesCoalesced(Coalescing.RemoveSuperseded(_held!));
        return _held!.Count;
    }

    private int ParkedLocked() => (_held?.Count ?? 0) + (_replayed?.Count ?? 0);

    private void EnqueueLocked(ReadOnlyMemory<byte> bytes)
    {
        _pending.Enqueue(bytes);
        Wake();
    }

    private void Wake()
    {
        if (_waiting)
        {
            _waiting = false;
            _wake.Set();
        }
    }

    private void SlowConsumerLocked(int dropped)
    {
        CloseReason = CloseReason.SlowConsumer;
        _metrics.FramesDropped(dropped);
        _metrics.SlowConsumerDisconnected();
        _pending.Clear();
        _held = null;
        _replayed = null;

        CancelLater();
    }

    // Cancelling a flush may run the writer's continuation synchronously; do it off the caller's
    // stack, which may be a backplane delivery loop or hold this connection's lock.
    private void CancelLater() =>
        ThreadPool.UnsafeQueueUserWorkItem(static c => c.Stop(cut: true), this, preferLocal: false);
}

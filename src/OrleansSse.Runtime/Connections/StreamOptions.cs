namespace OrleansSse.Connections;

/// <summary>Per-stream settings (configuration section <c>OrleansSse:Stream</c>).</summary>
public sealed class StreamOptions
{
    /// <summary>How often a <c>: heartbeat</c> comment is written to idle streams. Default 15 s.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>The <c>retry:</c> hint sent after the <c>connected</c> event. Default 3000 ms.</summary>
    public int RetryMilliseconds { get; set; } = 3000;

    /// <summary>The <c>retry:</c> hint sent when a silo drains at shutdown. Default 500 ms.</summary>
    public int DrainRetryMilliseconds { get; set; } = 500;

    /// <summary>Frames a connection may have queued before the slow-consumer policy applies. Default 1024.</summary>
    public int QueueCapacity { get; set; } = 1024;

    /// <summary>What to do when the queue bound is hit. Default <see cref="Connections.SlowConsumerPolicy.Disconnect"/>.</summary>
    public SlowConsumerPolicy SlowConsumerPolicy { get; set; } = SlowConsumerPolicy.Disconnect;

    /// <summary>
    /// How long a stream's writer may wait on one flush to the client (the client's socket takes
    /// no more bytes: it stopped reading) before the stream is cut as a slow consumer (counted with
    /// the queue bound's disconnects; its queued frames are released). Covers every stream, detached
    /// (<see cref="DetachFromKestrel"/>, outside Kestrel's minimum response data rate) or not:
    /// Kestrel's <c>MinResponseDataRate</c> (240 bytes/s by default) gives each write time in
    /// proportion to its size, minutes for one flush of 64 KB, so it alone leaves a stalled stream's
    /// memory pinned far longer; this timeout does not depend on what is queued. A writer flushes at
    /// least every 64 KB, so a client that keeps reading (e.g. a long replay on a slow link) is not
    /// cut. Limit: a flush waits until the socket has taken its bytes, and the kernel frees room in
    /// a full send buffer in large steps (on Linux, once about a third of it has drained), so a
    /// client must read at least that much per timeout; send buffers grow with the connection's
    /// window (tens of KB for a slow client across a network, megabytes on loopback). Checked once
    /// a second by the silo's sweep (a stream is cut up to a second after the timeout). Default
    /// 30 s; <see cref="TimeSpan.Zero"/>: off (a client that stops reading is then only cut by the
    /// queue bound, once enough live events arrive, or, in Kestrel, by its data rate).
    /// </summary>
    public TimeSpan WriteStallTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Whether a started stream on a plaintext HTTP/1.1 connection leaves Kestrel's request
    /// processing (used by the silo host): the silo then writes the chunked body on the connection
    /// itself, and an open stream no longer holds Kestrel's per-request state (about half the memory
    /// of an idle stream, bench/RESULTS.md). HTTPS and HTTP/2 streams always stay in Kestrel.
    /// Detached streams are outside Kestrel's per-request timeouts and minimum data rates (a client
    /// that stops reading is cut by <see cref="WriteStallTimeout"/> and the queue bound). Default true.
    /// </summary>
    public bool DetachFromKestrel { get; set; } = true;

    /// <summary>
    /// Whether a detached stream (<see cref="DetachFromKestrel"/>) writes its response head and
    /// body straight to the connection's socket, one non-blocking <c>send</c> per flush, instead of
    /// through Kestrel's transport output pipe and send loop: a cheaper write per connection, which
    /// is what bounds fan-out latency (bench/RESULTS.md). Only on Kestrel's socket transport and on
    /// a connection that has not served an earlier response (one may still be on its way to the
    /// socket through Kestrel's pipe); other streams use the pipe. Default true.
    /// </summary>
    public bool DirectSocketWrites { get; set; } = true;
}

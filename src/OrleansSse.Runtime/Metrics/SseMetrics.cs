using System.Globalization;
using System.Text;

namespace OrleansSse.Metrics;

/// <summary>
/// The silo's counters, cheap to bump from the hot path (one interlocked add), rendered as
/// Prometheus text by <see cref="WritePrometheus"/>.
/// </summary>
internal sealed class SseMetrics
{
    private long _connectionsActive;
    private long _connectionsTotal;
    private long _connectionsRejected;
    private long _eventsPublished;
    private long _framesWritten;
    private long _framesDropped;
    private long _framesCoalesced;
    private long _slowConsumerDisconnects;
    private long _resumes;
    private long _resumesUnrecovered;
    private long _backplaneMessages;
    private long _watermarks;

    /// <summary>Open streams on this silo.</summary>
    public long ConnectionsActive => Volatile.Read(ref _connectionsActive);

    /// <summary>Events published through this process's grains (HTTP API, AI streaming, embedded callers).</summary>
    public long EventsPublished => Volatile.Read(ref _eventsPublished);

    /// <summary>Connections ended as slow consumers (the queue bound's policy, or a write stall).</summary>
    public long SlowConsumerDisconnects => Volatile.Read(ref _slowConsumerDisconnects);

    internal void ConnectionOpened()
    {
        Interlocked.Increment(ref _connectionsActive);
        Interlocked.Increment(ref _connectionsTotal);
    }

    internal void ConnectionClosed() => Interlocked.Decrement(ref _connectionsActive);

    /// <summary>A connection refused by a limit.</summary>
    public void ConnectionRejected() => Interlocked.Increment(ref _connectionsRejected);

    /// <summary>An event published through this process's grains.</summary>
    public void EventPublished() => Interlocked.Increment(ref _eventsPublished);

    internal void FramesWritten(int count) => Interlocked.Add(ref _framesWritten, count);

    internal void FramesDropped(int count) => Interlocked.Add(ref _framesDropped, count);

    /// <summary>Frames superseded by a newer one with the same coalesce key (never written).</summary>
    public long CoalescedFrames => Volatile.Read(ref _framesCoalesced);

    internal void FramesCoalesced(int count) => Interlocked.Add(ref _framesCoalesced, count);

    internal void SlowConsumerDisconnected() => Interlocked.Increment(ref _slowConsumerDisconnects);

    /// <summary>Watermark ids queued to idle streams.</summary>
    public long Watermarks => Volatile.Read(ref _watermarks);

    internal void WatermarksWritten(int count) => Interlocked.Add(ref _watermarks, count);

    internal void BackplaneMessageReceived() => Interlocked.Increment(ref _backplaneMessages);

    /// <summary>A stream opened with a Last-Event-ID; <paramref name="recovered"/> is what it was told.</summary>
    public void Resumed(bool recovered)
    {
        Interlocked.Increment(ref _resumes);
        if (!recovered)
        {
            Interlocked.Increment(ref _resumesUnrecovered);
        }
    }

    /// <summary>Writes every counter in the Prometheus text exposition format.</summary>
    public void WritePrometheus(StringBuilder output)
    {
        Gauge(output, "orleanssse_connections_active", "Open SSE streams on this silo.", ref _connectionsActive);
        Counter(output, "orleanssse_connections_total", "SSE streams opened on this silo.", ref _connectionsTotal);
        Counter(output, "orleanssse_connections_rejected_total", "Streams refused by a connection limit.", ref _connectionsRejected);
        Counter(output, "orleanssse_events_published_total", "Events published through this silo (its HTTP API, AI streaming and in-process callers).", ref _eventsPublished);
        Counter(output, "orleanssse_backplane_messages_total", "Backplane messages this silo received.", ref _backplaneMessages);
        Counter(output, "orleanssse_frames_written_total", "Event frames written to streams.", ref _framesWritten);
        Counter(output, "orleanssse_frames_dropped_total", "Event frames dropped by the slow-consumer policy.", ref _framesDropped);
        Counter(output, "orleanssse_frames_coalesced_total", "Event frames superseded by a newer one with the same coalesce key (in a queue or a replay), never written.", ref _framesCoalesced);
        Counter(output, "orleanssse_slow_consumer_disconnects_total", "Streams ended as slow consumers: their queue bound was hit or their writer stalled on the client.", ref _slowConsumerDisconnects);
        Counter(output, "orleanssse_watermarks_total", "Watermarks queued to idle streams: an id line alone that keeps their clients' cursors young.", ref _watermarks);
        Counter(output, "orleanssse_resumes_total", "Streams opened with a Last-Event-ID (reconnects).", ref _resumes);
        Counter(output, "orleanssse_resumes_unrecovered_total", "Resumes told \"recovered\": false.", ref _resumesUnrecovered);
    }

    private static void Counter(StringBuilder output, string name, string help, ref long value) =>
        Write(output, name, help, "counter", Volatile.Read(ref value));

    private static void Gauge(StringBuilder output, string name, string help, ref long value) =>
        Write(output, name, help, "gauge", Volatile.Read(ref value));

    private static void Write(StringBuilder output, string name, string help, string type, long value) =>
        output.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n')
            .Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n')
            .Append(name).Append(' ').Append(value.ToString(CultureInfo.InvariantCulture)).Append('\n');
}

using System.Buffers;
using System.IO.Pipelines;

namespace OrleansSse.Silo.Detach;

/// <summary>
/// Kestrel's view of the transport output: the real one; or, while a stream's response head is
/// captured (<see cref="TryCapture"/>), a buffer that keeps what Kestrel writes off the transport;
/// or (detached) a sink that drops what Kestrel writes.
/// </summary>
internal sealed class DetachableOutput(PipeWriter inner, DetachableConnection connection) : PipeWriter
{
    // Kestrel writes a few bytes after detaching (the terminating chunk); they land here unread.
    private static readonly byte[] Sink = new byte[4096];

    private ArrayBufferWriter<byte>? _capture;
    private bool _forwarded;

    public override bool CanGetUnflushedBytes => !connection.IsDetached && (_capture is not null || inner.CanGetUnflushedBytes);

    public override long UnflushedBytes => connection.IsDetached ? 0 : _capture?.WrittenCount ?? inner.UnflushedBytes;

    /// <summary>
    /// From now on keeps what Kestrel writes (the response head) instead of passing it to the
    /// transport, unless something was already passed to it on this connection (an earlier
    /// response, which may not have reached the socket yet): then returns false.
    /// </summary>
    public bool TryCapture()
    {
        if (_forwarded || connection.IsDetached)
        {
            return false;
        }

        _capture ??= new ArrayBufferWriter<byte>(512);
        return true;
    }

    /// <summary>Ends the capture, returning what was captured (the response head).</summary>
    public byte[] TakeCaptured()
    {
        var captured = _capture?.WrittenSpan.ToArray() ?? [];
        _capture = null;
        return captured;
    }

    /// <summary>Ends the capture and passes what was captured on to the transport, unflushed (Kestrel's next flush sends it).</summary>
    public void ReleaseCaptured()
    {
        if (_capture is { } capture && !connection.IsDetached)
        {
            _capture = null;
            inner.Write(capture.WrittenSpan);
            _forwarded = true;
        }
    }

    public override void Advance(int bytes)
    {
        if (connection.IsDetached)
        {
            return;
        }

        if (_capture is { } capture)
        {
            capture.Advance(bytes);
            return;
        }

        _forwarded = true;
        inner.Advance(bytes);
    }

    public override void CancelPendingFlush()
    {
        if (!connection.IsDetached)
        {
            inner.CancelPendingFlush();
        }
    }

    public override void Complete(Exception? exception = null)
    {
        if (!connection.IsDetached)
        {
            ReleaseCaptured();
            inner.Complete(exception);
        }
    }

    public override ValueTask CompleteAsync(Exception? exception = null)
    {
        Complete(exception);
        return default;
    }

    // A captured head is flushed by whoever ends the capture.
    public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default) =>
        connection.IsDetached || _capture is not null ? default : inner.FlushAsync(cancellationToken);

    public override Memory<byte> GetMemory(int sizeHint = 0) =>
        connection.IsDetached ? SinkMemory(sizeHint) : _capture?.GetMemory(sizeHint) ?? inner.GetMemory(sizeHint);

    public override Span<byte> GetSpan(int sizeHint = 0) =>
        connection.IsDetached ? SinkMemory(sizeHint).Span : _capture is { } capture ? capture.GetSpan(sizeHint) : inner.GetSpan(sizeHint);

    public override ValueTask<FlushResult> WriteAsync(ReadOnlyMemory<byte> source, CancellationToken cancellationToken = default)
    {
        if (connection.IsDetached)
        {
            return default;
        }

        if (_capture is { } capture)
        {
            capture.Write(source.Span);
            return default;
        }

        _forwarded = true;
        return inner.WriteAsync(source, cancellationToken);
    }

    private static Memory<byte> SinkMemory(int sizeHint) => sizeHint <= Sink.Length ? Sink : new byte[sizeHint];
}

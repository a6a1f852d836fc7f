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

    // The captured head: a pooled array, handed on to the stream's writer (which sends from it).
    private byte[]? _capture;
    private int _captured;
    private bool _forwarded;

    public override bool CanGetUnflushedBytes => !connection.IsDetached && (_capture is not null || inner.CanGetUnflushedBytes);

    public override long UnflushedBytes => connection.IsDetached ? 0 : _capture is not null ? _captured : inner.UnflushedBytes;

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

        _capture ??= ArrayPool<byte>.Shared.Rent(1024);
        return true;
    }

    /// <summary>
    /// Ends the capture, returning what was captured (the response head): <c>Array[..Length]</c>,
    /// an array from <see cref="ArrayPool{T}.Shared"/> that the caller now owns.
    /// </summary>
    public (byte[] Array, int Length) TakeCaptured()
    {
        var captured = (_capture ?? ArrayPool<byte>.Shared.Rent(1), _captured);
        _capture = null;
        _captured = 0;
        return captured;
    }

    /// <summary>Ends the capture and passes what was captured on to the transport, unflushed (Kestrel's next flush sends it).</summary>
    public void ReleaseCaptured()
    {
        if (_capture is { } capture && !connection.IsDetached)
        {
            inner.Write(capture.AsSpan(0, _captured));
            _forwarded = true;
            _capture = null;
            _captured = 0;
            ArrayPool<byte>.Shared.Return(capture);
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
            if (_captured + bytes > capture.Length)
            {
                throw new InvalidOperationException("Advanced past the buffer.");
            }

            _captured += bytes;
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
        connection.IsDetached ? SinkMemory(sizeHint) : _capture is not null ? CaptureMemory(sizeHint) : inner.GetMemory(sizeHint);

    public override Span<byte> GetSpan(int sizeHint = 0) =>
        connection.IsDetached ? SinkMemory(sizeHint).Span : _capture is not null ? CaptureMemory(sizeHint).Span : inner.GetSpan(sizeHint);

    public override ValueTask<FlushResult> WriteAsync(ReadOnlyMemory<byte> source, CancellationToken cancellationToken = default)
    {
        if (connection.IsDetached)
        {
            return default;
        }

        if (_capture is not null)
        {
            source.Span.CopyTo(CaptureMemory(source.Length).Span);
            Advance(source.Length);
            return default;
        }

        _forwarded = true;
        return inner.WriteAsync(source, cancellationToken);
    }

    private Memory<byte> CaptureMemory(int sizeHint)
    {
        var capture = _capture!;
        var needed = _captured + Math.Max(sizeHint, 1);
        if (needed > capture.Length)
        {
            var grown = ArrayPool<byte>.Shared.Rent(Math.Max(needed, capture.Length * 2));
            capture.AsSpan(0, _captured).CopyTo(grown);
            ArrayPool<byte>.Shared.Return(capture);
            _capture = capture = grown;
        }

        return capture.AsMemory(_captured);
    }

    private static Memory<byte> SinkMemory(int sizeHint) => sizeHint <= Sink.Length ? Sink : new byte[sizeHint];
}

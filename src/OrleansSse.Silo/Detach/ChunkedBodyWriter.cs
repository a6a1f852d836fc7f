using System.Buffers;
using System.Buffers.Text;
using System.IO.Pipelines;

namespace OrleansSse.Silo.Detach;

/// <summary>
/// A detached stream's response body through the transport output (when it could not write to the
/// socket itself, <see cref="SocketBodyWriter"/>): collects what is written between flushes and writes it to
/// the transport as one HTTP/1.1 chunk (<c>{length:x}\r\n…\r\n</c>) per flush, so one drained
/// batch of frames is one chunk. Holds no buffer between flushes (an idle stream costs nothing
/// here); the buffer comes from <see cref="ArrayPool{T}.Shared"/>.
/// </summary>
internal sealed class ChunkedBodyWriter(PipeWriter transport) : DetachedBody
{
    private const int MinimumBuffer = 4096;
    private byte[]? _buffer;
    private int _length;

    public override void Advance(int bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        if (_buffer is null || _length + bytes > _buffer.Length)
        {
            throw new InvalidOperationException("Advanced past the buffer.");
        }

        _length += bytes;
    }

    public override Memory<byte> GetMemory(int sizeHint = 0) => Reserve(sizeHint).AsMemory(_length);

    public override Span<byte> GetSpan(int sizeHint = 0) => Reserve(sizeHint).AsSpan(_length);

    public override void CancelPendingFlush() => transport.CancelPendingFlush();

    public override void Complete(Exception? exception = null) => ReturnBuffer();

    public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
    {
        if (_length > 0)
        {
            WriteChunk();
        }

        return transport.FlushAsync(cancellationToken);
    }

    public override async ValueTask<bool> EndAsync(TimeSpan timeout)
    {
        ReturnBuffer();
        transport.Write(LastChunk);
        using var timer = new CancellationTokenSource(timeout);
        try
        {
            var result = await transport.FlushAsync(timer.Token).ConfigureAwait(false);
            return !result.IsCompleted && !result.IsCanceled;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private void WriteChunk()
    {
        // "{length:x}\r\n": at most 8 hex digits for an int.
        var header = transport.GetSpan(10);
        Utf8Formatter.TryFormat(_length, header, out var digits, new StandardFormat('x'));
        header[digits] = (byte)'\r';
        header[digits + 1] = (byte)'\n';
        transport.Advance(digits + 2);
        transport.Write(_buffer.AsSpan(0, _length));
        transport.Write("\r\n"u8);
        ReturnBuffer();
    }

    private byte[] Reserve(int sizeHint)
    {
        var needed = _length + Math.Max(sizeHint, 1);
        if (_buffer is { } buffer && needed <= buffer.Length)
        {
            return buffer;
        }

        var grown = ArrayPool<byte>.Shared.Rent(Math.Max(needed, Math.Max(MinimumBuffer, (_buffer?.Length ?? 0) * 2)));
        if (_buffer is not null)
        {
            _buffer.AsSpan(0, _length).CopyTo(grown);
            ArrayPool<byte>.Shared.Return(_buffer);
        }

        return _buffer = grown;
    }

    private void ReturnBuffer()
    {
        if (_buffer is { } buffer)
        {
            _buffer = null;
            _length = 0;
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}

using System.Buffers;
using System.Buffers.Text;
using System.IO.Pipelines;
using System.Net.Sockets;

namespace OrleansSse.Silo.Detach;

/// <summary>
/// A detached stream's response body written straight to the connection's socket: each flush is
/// one non-blocking <c>send</c> of one HTTP/1.1 chunk (the first also carries the response head
/// that Kestrel wrote and <see cref="DetachableOutput"/> kept off the transport), with no transport
/// pipe or send loop in between. What the socket does not take at once (a client that reads slower
/// than the stream writes) is sent asynchronously. <see cref="CancelPendingFlush"/> ends a pending
/// flush (or the next one); a send cancelled part-way leaves the body cut mid-chunk (the socket
/// does not say how much of it went out), so the body is then broken: later flushes report the
/// client gone and <see cref="EndAsync"/> fails (the connection is aborted). Holds no buffer
/// between flushes (only the captured head until the first one). Limit: the only writer of its
/// socket — Kestrel's send loop for the connection never got anything to send (the head was
/// captured), so it stays idle until the connection closes.
/// </summary>
internal sealed class SocketBodyWriter : DetachedBody
{
    // Room before the data for the chunk-size line: at most 8 hex digits for an int, then CRLF.
    private const int SizeRoom = 10;
    private const int MinimumBuffer = 4096;
    private static readonly FlushResult Gone = new(isCanceled: false, isCompleted: true);
    private static readonly FlushResult Canceled = new(isCanceled: true, isCompleted: false);

    // In _sending while no send is pending: the next one is cancelled as it starts.
    private static readonly CancellationTokenSource CancelRequested = new();

    private readonly Socket _socket;
    private byte[]? _buffer;
    private int _headLength; // the response head at the start of _buffer, until the first flush sends it
    private int _length;     // data written after the head and the room for the chunk-size line
    private CancellationTokenSource? _sending; // the pending send's, or CancelRequested
    private bool _broken; // the socket is gone, or a send was cancelled part-way

    /// <summary>
    /// A writer whose first flush sends <paramref name="head"/>[..<paramref name="headLength"/>]
    /// (an <see cref="ArrayPool{T}.Shared"/> array it now owns, and writes its first chunk into) before its chunk.
    /// </summary>
    public SocketBodyWriter(Socket socket, byte[] head, int headLength)
    {
        _socket = socket;
        _buffer = head;
        _headLength = headLength;

        // A full send buffer must not block the writer's thread: the rest is sent asynchronously.
        try
        {
            socket.Blocking = false;
        }
        catch (ObjectDisposedException)
        {
            // The connection was aborted before the stream ran: its writes report the client gone.
            _broken = true;
        }
    }

    public override void Advance(int bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        if (_buffer is null || DataStart + _length + bytes + 2 > _buffer.Length)
        {
            throw new InvalidOperationException("Advanced past the buffer.");
        }

        _length += bytes;
    }

    // What follows the data written so far, short of the room the chunk's closing CRLF needs.
    public override Memory<byte> GetMemory(int sizeHint = 0)
    {
        var buffer = Reserve(sizeHint);
        return buffer.AsMemory(DataStart + _length, buffer.Length - DataStart - _length - 2);
    }

    public override Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;

    public override void CancelPendingFlush()
    {
        var sending = Interlocked.CompareExchange(ref _sending, CancelRequested, null);
        if (sending is not null && sending != CancelRequested)
        {
            try
            {
                sending.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // That send has just ended.
            }
        }
    }

    public override void Complete(Exception? exception = null)
    {
        Return(ref _buffer);
        _headLength = 0;
        _length = 0;
    }

    public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
    {
        if (_broken)
        {
            return new(Gone);
        }

        // A cancel requested while no flush was pending cancels this one (PipeWriter's contract).
        if (Interlocked.CompareExchange(ref _sending, null, CancelRequested) == CancelRequested)
        {
            return new(Canceled);
        }

        return TakeChunk() is { } chunk ? SendAsync(chunk, cancellationToken) : default;
    }

    public override async ValueTask<bool> EndAsync(TimeSpan timeout)
    {
        // A cancel meant for the writer loop, which has returned, is not meant for the ending.
        Interlocked.CompareExchange(ref _sending, null, CancelRequested);

        using var timer = new CancellationTokenSource(timeout);
        var result = await FlushAsync(timer.Token).ConfigureAwait(false);
        if (result.IsCanceled || result.IsCompleted)
        {
            return false;
        }

        var last = ArrayPool<byte>.Shared.Rent(LastChunk.Length);
        LastChunk.CopyTo(last);
        result = await SendAsync(new Outgoing(last, 0, LastChunk.Length), timer.Token).ConfigureAwait(false);
        return !result.IsCanceled && !result.IsCompleted;
    }

    // Where data starts in _buffer: after the head (until it is sent) and the chunk-size line's room.
    private int DataStart => _headLength + SizeRoom;

    // What is written since the last flush as one chunk (after the response head, the first
    // time), taken from the writer: its buffer goes back to the pool once sent.
    private Outgoing? TakeChunk()
    {
        if (_buffer is not { } buffer || (_length == 0 && _headLength == 0))
        {
            return null;
        }

        var head = _headLength;
        _buffer = null;
        _headLength = 0;
        if (_length == 0)
        {
            return new Outgoing(buffer, 0, head);
        }

        // "{length:x}\r\n" right before the data, the head (if any) moved up to meet it.
        Span<byte> size = stackalloc byte[SizeRoom];
        Utf8Formatter.TryFormat(_length, size, out var digits, new StandardFormat('x'));
        size[digits] = (byte)'\r';
        size[digits + 1] = (byte)'\n';
        var dataStart = head + SizeRoom;
        var start = dataStart - (digits + 2);
        size[..(digits + 2)].CopyTo(buffer.AsSpan(start));
        if (head > 0)
        {
            buffer.AsSpan(0, head).CopyTo(buffer.AsSpan(start - head));
            start -= head;
        }

        var end = dataStart + _length;
        buffer[end] = (byte)'\r';
        buffer[end + 1] = (byte)'\n';
        _length = 0;
        return new Outgoing(buffer, start, end + 2);
    }

    // One non-blocking send; what the socket does not take goes asynchronously.
    private ValueTask<FlushResult> SendAsync(Outgoing outgoing, CancellationToken cancellationToken)
    {
        int sent;
        SocketError error;
        try
        {
            sent = _socket.Send(outgoing.Array.AsSpan(outgoing.Start, outgoing.Length), SocketFlags.None, out error);
        }
        catch (ObjectDisposedException)
        {
            // The connection was aborted.
            _broken = true;
            ArrayPool<byte>.Shared.Return(outgoing.Array);
            return new(Gone);
        }

        if (error == SocketError.Success && sent == outgoing.Length)
        {
            ArrayPool<byte>.Shared.Return(outgoing.Array);
            return default;
        }

        if (error is not (SocketError.Success or SocketError.WouldBlock))
        {
            _broken = true;
            ArrayPool<byte>.Shared.Return(outgoing.Array);
            return new(Gone);
        }

        return SendRestAsync(outgoing with { Start = outgoing.Start + Math.Max(sent, 0) }, cancellationToken);
    }

    private async ValueTask<FlushResult> SendRestAsync(Outgoing outgoing, CancellationToken cancellationToken)
    {
        var sending = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (Interlocked.Exchange(ref _sending, sending) == CancelRequested)
        {
            sending.Cancel();
        }

        try
        {
            while (outgoing.Length > 0)
            {
                var sent = await _socket.SendAsync(outgoing.Array.AsMemory(outgoing.Start, outgoing.Length), SocketFlags.None, sending.Token)
                    .ConfigureAwait(false);
                outgoing = outgoing with { Start = outgoing.Start + sent };
            }

            return default;
        }
        catch (OperationCanceledException)
        {
            // How much of it went out is unknown: the chunk may be cut short.
            _broken = true;
            return Canceled;
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            _broken = true;
            return Gone;
        }
        finally
        {
            Interlocked.CompareExchange(ref _sending, null, sending);
            sending.Dispose();
            ArrayPool<byte>.Shared.Return(outgoing.Array);
        }
    }

    private byte[] Reserve(int sizeHint)
    {
        var needed = DataStart + _length + Math.Max(sizeHint, 1) + 2;
        if (_buffer is { } buffer && needed <= buffer.Length)
        {
            return buffer;
        }

        var grown = ArrayPool<byte>.Shared.Rent(Math.Max(needed, Math.Max(MinimumBuffer, (_buffer?.Length ?? 0) * 2)));
        if (_buffer is not null)
        {
            // The head (if still unsent), the room, the data: all where they were.
            _buffer.AsSpan(0, DataStart + _length).CopyTo(grown);
            ArrayPool<byte>.Shared.Return(_buffer);
        }

        return _buffer = grown;
    }

    private static void Return(ref byte[]? array)
    {
        if (array is { } rented)
        {
            array = null;
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Bytes on their way to the socket: <c>Array[Start..End]</c>, a pooled array.</summary>
    private readonly record struct Outgoing(byte[] Array, int Start, int End)
    {
        public int Length => End - Start;
    }
}

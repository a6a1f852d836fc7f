using System.Buffers;
using System.Buffers.Text;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Runtime.CompilerServices;

namespace OrleansSse.Silo.Detach;

/// <summary>
/// A detached stream's response body written straight to the connection's socket: each flush is
/// one non-blocking <c>send</c> of one HTTP/1.1 chunk (the first also carries the response head
/// that Kestrel wrote and <see cref="DetachableOutput"/> kept off the transport), with no transport
/// pipe or send loop in between. What the socket does not take at once (a client that reads slower
/// than the stream writes) is sent asynchronously; a pending flush ends with
/// <see cref="CancelPendingFlush"/>, and what it had not sent yet goes first on the next flush (or
/// with the terminating chunk), so the chunked framing stays whole. Holds no buffer between flushes.
/// Limit: the only writer of its socket — Kestrel's send loop for the connection never got
/// anything to send (the head was captured), so it stays idle until the connection closes.
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
    private byte[]? _head;
    private byte[]? _buffer;
    private int _length;
    private StrongBox<Outgoing>? _unsent;   // rare: only after a cancelled send
    private CancellationTokenSource? _sending; // the pending send's, or CancelRequested

    public SocketBodyWriter(Socket socket, byte[] head)
    {
        _socket = socket;
        _head = head.Length > 0 ? head : null;

        // A full send buffer must not block the writer's thread: the rest is sent asynchronously.
        socket.Blocking = false;
    }

    public override void Advance(int bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        if (_buffer is null || SizeRoom + _length + bytes + 2 > _buffer.Length)
        {
            throw new InvalidOperationException("Advanced past the buffer.");
        }

        _length += bytes;
    }

    // What follows the data written so far, short of the room the chunk's closing CRLF needs.
    public override Memory<byte> GetMemory(int sizeHint = 0)
    {
        var buffer = Reserve(sizeHint);
        return buffer.AsMemory(SizeRoom + _length, buffer.Length - SizeRoom - _length - 2);
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
        _length = 0;
        if (_unsent is { } unsent)
        {
            _unsent = null;
            ArrayPool<byte>.Shared.Return(unsent.Value.Array);
        }
    }

    public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
    {
        if (_unsent is not null)
        {
            return FlushAfterUnsentAsync(cancellationToken);
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

    private async ValueTask<FlushResult> FlushAfterUnsentAsync(CancellationToken cancellationToken)
    {
        var unsent = _unsent!.Value;
        _unsent = null;
        var result = await SendAsync(unsent, cancellationToken).ConfigureAwait(false);
        if (result.IsCanceled || result.IsCompleted)
        {
            return result;
        }

        return TakeChunk() is { } chunk ? await SendAsync(chunk, cancellationToken).ConfigureAwait(false) : result;
    }

    // What is written since the last flush as one chunk (after the response head, the first
    // time), taken from the writer: its buffer goes back to the pool once sent.
    private Outgoing? TakeChunk()
    {
        if (_length == 0)
        {
            if (_head is not { } head)
            {
                return null;
            }

            _head = null;
            var headOnly = ArrayPool<byte>.Shared.Rent(head.Length);
            head.CopyTo(headOnly, 0);
            return new Outgoing(headOnly, 0, head.Length);
        }

        var buffer = _buffer!;
        Span<byte> size = stackalloc byte[SizeRoom];
        Utf8Formatter.TryFormat(_length, size, out var digits, new StandardFormat('x'));
        size[digits] = (byte)'\r';
        size[digits + 1] = (byte)'\n';
        var start = SizeRoom - (digits + 2);
        size[..(digits + 2)].CopyTo(buffer.AsSpan(start));
        var end = SizeRoom + _length;
        buffer[end] = (byte)'\r';
        buffer[end + 1] = (byte)'\n';
        end += 2;
        _buffer = null;
        _length = 0;

        if (_head is { } first)
        {
            _head = null;
            var combined = ArrayPool<byte>.Shared.Rent(first.Length + end - start);
            first.CopyTo(combined, 0);
            buffer.AsSpan(start, end - start).CopyTo(combined.AsSpan(first.Length));
            ArrayPool<byte>.Shared.Return(buffer);
            return new Outgoing(combined, 0, first.Length + end - start);
        }

        return new Outgoing(buffer, start, end);
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

        var keep = false;
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
            // Not sent yet: it goes first on the next flush, so the chunk is never cut short.
            _unsent = new StrongBox<Outgoing>(outgoing);
            keep = true;
            return Canceled;
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            return Gone;
        }
        finally
        {
            Interlocked.CompareExchange(ref _sending, null, sending);

            sending.Dispose();
            if (!keep)
            {
                ArrayPool<byte>.Shared.Return(outgoing.Array);
            }
        }
    }

    private byte[] Reserve(int sizeHint)
    {
        var needed = SizeRoom + _length + Math.Max(sizeHint, 1) + 2;
        if (_buffer is { } buffer && needed <= buffer.Length)
        {
            return buffer;
        }

        var grown = ArrayPool<byte>.Shared.Rent(Math.Max(needed, Math.Max(MinimumBuffer, (_buffer?.Length ?? 0) * 2)));
        if (_buffer is not null)
        {
            _buffer.AsSpan(SizeRoom, _length).CopyTo(grown.AsSpan(SizeRoom));
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

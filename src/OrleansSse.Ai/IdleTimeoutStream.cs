namespace OrleansSse.Ai;

/// <summary>
/// A read-only view of a response body that runs <c>idle</c>'s cancel-after timer only while a read
/// waits: each read starts it at <c>timeout</c> and stops it when bytes (or the end) arrive, so
/// <c>idle</c> is cancelled when the body sends nothing for <c>timeout</c> while it is read, and a
/// reader that pauses between reads is never taken for a silent body. Reads must be given a token
/// linked to <c>idle</c> for the timer to end a stalled read.
/// </summary>
internal sealed class IdleTimeoutStream(Stream inner, CancellationTokenSource idle, TimeSpan timeout) : Stream
{
    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Start();
        var read = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        Stop();
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count)
    {
        Start();
        var read = inner.Read(buffer, offset, count);
        Stop();
        return read;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override ValueTask DisposeAsync() => inner.DisposeAsync();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private void Start() => Set(timeout);

    private void Stop() => Set(Timeout.InfiniteTimeSpan);

    private void Set(TimeSpan delay)
    {
        try
        {
            idle.CancelAfter(delay); // no-op once it fired
        }
        catch (ObjectDisposedException)
        {
            // The request is over.
        }
    }
}

using System.IO.Pipelines;

namespace OrleansSse.Silo.Detach;

/// <summary>Kestrel's view of the transport output: the real one, or (detached) a sink that drops what Kestrel writes.</summary>
internal sealed class DetachableOutput(PipeWriter inner, DetachableConnection connection) : PipeWriter
{
    // Kestrel writes a few bytes after detaching (the terminating chunk); they land here unread.
    private static readonly byte[] Sink = new byte[4096];

    public override bool CanGetUnflushedBytes => !connection.IsDetached && inner.CanGetUnflushedBytes;

    public override long UnflushedBytes => connection.IsDetached ? 0 : inner.UnflushedBytes;

    public override void Advance(int bytes)
    {
        if (!connection.IsDetached)
        {
            inner.Advance(bytes);
        }
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
            inner.Complete(exception);
        }
    }

    public override ValueTask CompleteAsync(Exception? exception = null)
    {
        Complete(exception);
        return default;
    }

    public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default) =>
        connection.IsDetached ? default : inner.FlushAsync(cancellationToken);

    public override Memory<byte> GetMemory(int sizeHint = 0) =>
        connection.IsDetached ? SinkMemory(sizeHint) : inner.GetMemory(sizeHint);

    public override Span<byte> GetSpan(int sizeHint = 0) =>
        connection.IsDetached ? SinkMemory(sizeHint).Span : inner.GetSpan(sizeHint);

    public override ValueTask<FlushResult> WriteAsync(ReadOnlyMemory<byte> source, CancellationToken cancellationToken = default) =>
        connection.IsDetached ? default : inner.WriteAsync(source, cancellationToken);

    private static Memory<byte> SinkMemory(int sizeHint) => sizeHint <= Sink.Length ? Sink : new byte[sizeHint];
}

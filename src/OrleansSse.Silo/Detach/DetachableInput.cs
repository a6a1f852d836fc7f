using System.Buffers;
using System.IO.Pipelines;

namespace OrleansSse.Silo.Detach;

/// <summary>Kestrel's view of the transport input: the real one, or (detached) an input that has ended.</summary>
internal sealed class DetachableInput(PipeReader inner, DetachableConnection connection) : PipeReader
{
    private static readonly ReadResult Ended = new(ReadOnlySequence<byte>.Empty, isCanceled: false, isCompleted: true);

    public override void AdvanceTo(SequencePosition consumed)
    {
        if (!connection.IsDetached)
        {
            inner.AdvanceTo(consumed);
        }
    }

    public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
    {
        if (!connection.IsDetached)
        {
            inner.AdvanceTo(consumed, examined);
        }
    }

    public override void CancelPendingRead()
    {
        if (!connection.IsDetached)
        {
            inner.CancelPendingRead();
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

    public override ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default) =>
        connection.IsDetached ? new(Ended) : inner.ReadAsync(cancellationToken);

    public override bool TryRead(out ReadResult result)
    {
        if (connection.IsDetached)
        {
            result = Ended;
            return true;
        }

        return inner.TryRead(out result);
    }
}

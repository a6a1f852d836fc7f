using System.Buffers;
using System.IO.Pipelines;

namespace OrleansSse.Silo.Detach;

/// <summary>Kestrel's view of the transport input: the real one, or (detached) an input that has ended.</summary>
internal sealed class DetachableInput(PipeReader inner, DetachablePipe pipe) : PipeReader
{
    private static readonly ReadResult Ended = new(ReadOnlySequence<byte>.Empty, isCanceled: false, isCompleted: true);

    public override void AdvanceTo(SequencePosition consumed)
    {
        if (!pipe.IsDetached)
        {
            inner.AdvanceTo(consumed);
        }
    }

    public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
    {
        if (!pipe.IsDetached)
        {
            inner.AdvanceTo(consumed, examined);
        }
    }

    public override void CancelPendingRead()
    {
        if (!pipe.IsDetached)
        {
            inner.CancelPendingRead();
        }
    }

    public override void Complete(Exception? exception = null)
    {
        if (!pipe.IsDetached)
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
        pipe.IsDetached ? new(Ended) : inner.ReadAsync(cancellationToken);

    public override bool TryRead(out ReadResult result)
    {
        if (pipe.IsDetached)
        {
            result = Ended;
            return true;
        }

        return inner.TryRead(out result);
    }
}

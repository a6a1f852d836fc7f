using System.IO.Pipelines;

namespace OrleansSse.Silo.Detach;

/// <summary>
/// The transport as Kestrel's HTTP layer sees it: a pass-through to the real one until
/// <see cref="Detach"/>; from then on Kestrel's reads see the end of the input and its writes
/// (the terminating chunk, completing the pipe) go nowhere, while the real transport stays open
/// for <see cref="StreamDetachMiddleware"/>.
/// </summary>
internal sealed class DetachablePipe : IDuplexPipe
{
    private volatile bool _detached;

    public DetachablePipe(IDuplexPipe inner)
    {
        Input = new DetachableInput(inner.Input, this);
        Output = new DetachableOutput(inner.Output, this);
    }

    public PipeReader Input { get; }

    public PipeWriter Output { get; }

    public bool IsDetached => _detached;

    public void Detach() => _detached = true;
}

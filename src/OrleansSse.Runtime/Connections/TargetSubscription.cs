using OrleansSse.Backplane;

namespace OrleansSse.Connections;

/// <summary>
/// The local connections following one target, and this silo's one backplane subscription for it
/// (made when the first local connection arrives, dropped when the last leaves).
/// The connection list is copy-on-write so fan-out reads it without a lock.
/// </summary>
internal sealed class TargetSubscription(SseTarget target)
{
    public SseTarget Target { get; } = target;

    public SseConnection[] Connections { get; set; } = [];

    public Task<IAsyncDisposable>? Subscription { get; set; }
}

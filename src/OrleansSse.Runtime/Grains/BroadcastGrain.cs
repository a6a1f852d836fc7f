using OrleansSse.Backplane;

namespace OrleansSse.Grains;

internal sealed class BroadcastGrain(SseCluster cluster) : IBroadcastGrain
{
    public Task<PublishResult> SendAsync(SseEvent evt, CancellationToken cancellationToken = default) =>
        cluster.PublishAsync(SseTarget.All, evt, cancellationToken);
}

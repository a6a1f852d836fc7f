using OrleansSse.Backplane;

namespace OrleansSse.Grains;

internal sealed class BroadcastGrain(ISseBackplane backplane, Action? published) : IBroadcastGrain
{
    public Task<PublishResult> SendAsync(SseEvent evt, CancellationToken cancellationToken = default) =>
        SseCluster.PublishAsync(backplane, SseTarget.All, evt, published, cancellationToken);
}

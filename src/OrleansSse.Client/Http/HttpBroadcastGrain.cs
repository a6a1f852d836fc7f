namespace OrleansSse.Client.Http;

internal sealed class HttpBroadcastGrain(SiloHttpApi api) : IBroadcastGrain
{
    public Task<PublishResult> SendAsync(SseEvent evt, CancellationToken cancellationToken = default) =>
        api.PublishAsync("api/sse/broadcast", null, evt, cancellationToken);
}

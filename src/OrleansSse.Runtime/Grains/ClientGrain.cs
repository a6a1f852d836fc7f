using OrleansSse.Backplane;

namespace OrleansSse.Grains;

internal sealed class ClientGrain(string clientId, SseCluster cluster) : IClientGrain
{
    public string ClientId => clientId;

    public Task<PublishResult> SendAsync(SseEvent evt, CancellationToken cancellationToken = default) =>
        cluster.PublishAsync(SseTarget.Client(clientId), evt, cancellationToken);

    public async Task<ClientInfo> GetInfoAsync(CancellationToken cancellationToken = default)
    {
        var online = cluster.Backplane.IsOnlineAsync(clientId, cancellationToken);
        var groups = cluster.Backplane.GetClientGroupsAsync(clientId, cancellationToken);
        return new ClientInfo(clientId, await online.ConfigureAwait(false), await groups.ConfigureAwait(false));
    }

    public Task DisconnectAsync(CancellationToken cancellationToken = default) =>
        cluster.Backplane.DisconnectAsync(clientId, cancellationToken);
}

using OrleansSse.Backplane;

namespace OrleansSse.Grains;

internal sealed class ClientGrain(string clientId, ISseBackplane backplane, Action? published) : IClientGrain
{
    public string ClientId => clientId;

    public Task<PublishResult> SendAsync(SseEvent evt, CancellationToken cancellationToken = default) =>
        SseCluster.PublishAsync(backplane, SseTarget.Client(clientId), evt, published, cancellationToken);

    public async Task<ClientInfo> GetInfoAsync(CancellationToken cancellationToken = default)
    {
        var online = backplane.IsOnlineAsync(clientId, cancellationToken);
        var groups = backplane.GetClientGroupsAsync(clientId, cancellationToken);
        return new ClientInfo(clientId, await online.ConfigureAwait(false), await groups.ConfigureAwait(false));
    }

    public Task DisconnectAsync(CancellationToken cancellationToken = default) =>
        backplane.DisconnectAsync(clientId, cancellationToken);
}

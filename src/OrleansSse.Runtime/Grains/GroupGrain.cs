using OrleansSse.Backplane;

namespace OrleansSse.Grains;

internal sealed class GroupGrain(string name, SseCluster cluster) : IGroupGrain
{
    public string Name => name;

    public Task AddAsync(string clientId, CancellationToken cancellationToken = default) =>
        cluster.Backplane.AddToGroupAsync(name, SseNames.ThrowIfInvalidKey(clientId, nameof(clientId)), cancellationToken);

    public Task RemoveAsync(string clientId, CancellationToken cancellationToken = default) =>
        cluster.Backplane.RemoveFromGroupAsync(name, SseNames.ThrowIfInvalidKey(clientId, nameof(clientId)), cancellationToken);

    public Task<IReadOnlyList<string>> GetMembersAsync(CancellationToken cancellationToken = default) =>
        cluster.Backplane.GetGroupMembersAsync(name, cancellationToken);

    public Task<PublishResult> SendAsync(SseEvent evt, CancellationToken cancellationToken = default) =>
        cluster.PublishAsync(SseTarget.Group(name), evt, cancellationToken);
}

using OrleansSse.Backplane;

namespace OrleansSse.Grains;

internal sealed class GroupGrain(string name, ISseBackplane backplane, Action? published) : IGroupGrain
{
    public string Name => name;

    public Task AddAsync(string clientId, CancellationToken cancellationToken = default) =>
        backplane.AddToGroupAsync(name, SseNames.ThrowIfInvalidKey(clientId, nameof(clientId)), cancellationToken);

    public Task RemoveAsync(string clientId, CancellationToken cancellationToken = default) =>
        backplane.RemoveFromGroupAsync(name, SseNames.ThrowIfInvalidKey(clientId, nameof(clientId)), cancellationToken);

    public Task<IReadOnlyList<string>> GetMembersAsync(CancellationToken cancellationToken = default) =>
        backplane.GetGroupMembersAsync(name, cancellationToken);

    public Task<PublishResult> SendAsync(SseEvent evt, CancellationToken cancellationToken = default) =>
        SseCluster.PublishAsync(backplane, SseTarget.Group(name), evt, published, cancellationToken);
}

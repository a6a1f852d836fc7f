namespace OrleansSse.Client.Http;

internal sealed class HttpGroupGrain(string name, SiloHttpApi api) : IGroupGrain
{
    private readonly string _path = "api/sse/groups/" + SiloHttpApi.Segment(name);

    public string Name => name;

    public Task AddAsync(string clientId, CancellationToken cancellationToken = default) =>
        api.SendAsync(HttpMethod.Put, MemberPath(clientId), cancellationToken);

    public Task RemoveAsync(string clientId, CancellationToken cancellationToken = default) =>
        api.SendAsync(HttpMethod.Delete, MemberPath(clientId), cancellationToken);

    public async Task<IReadOnlyList<string>> GetMembersAsync(CancellationToken cancellationToken = default)
    {
        var group = await api.GetAsync(_path, ClientJsonContext.Default.GroupResponse, cancellationToken).ConfigureAwait(false);
        return group.Clients;
    }

    public Task<PublishResult> SendAsync(SseEvent evt, CancellationToken cancellationToken = default) =>
        api.PublishAsync(_path + "/send", null, evt, cancellationToken);

    private string MemberPath(string clientId) =>
        $"{_path}/clients/{SiloHttpApi.Segment(SseNames.ThrowIfInvalidKey(clientId, nameof(clientId)))}";
}

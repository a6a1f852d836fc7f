namespace OrleansSse.Client.Http;

internal sealed class HttpClientGrain(string clientId, SiloHttpApi api) : IClientGrain
{
    public string ClientId => clientId;

    public Task<PublishResult> SendAsync(SseEvent evt, CancellationToken cancellationToken = default) =>
        api.PublishAsync("api/sse/send", clientId, evt, cancellationToken);

    public async Task<ClientInfo> GetInfoAsync(CancellationToken cancellationToken = default)
    {
        var info = await api.GetAsync("api/sse/clients/" + SiloHttpApi.Segment(clientId), ClientJsonContext.Default.ClientResponse, cancellationToken).ConfigureAwait(false);
        return new ClientInfo(info.ClientId, info.Online, info.Groups);
    }

    public Task DisconnectAsync(CancellationToken cancellationToken = default) =>
        api.SendAsync(HttpMethod.Post, $"api/sse/clients/{SiloHttpApi.Segment(clientId)}/disconnect", cancellationToken);
}

using OrleansSse.Client.Http;

namespace OrleansSse.Client;

/// <summary>
/// <see cref="ISseCluster"/> over a silo's HTTP API, for services that only see the silos (through
/// a load balancer, say). Each grain call is one request; names are checked locally first, so an
/// invalid id throws <see cref="ArgumentException"/> without a request.
/// </summary>
/// <remarks>
/// Errors: a silo's 503 saying the cluster's backplane is down (problem type
/// <see cref="SseProblemTypes.BackplaneUnavailable"/>) throws <see cref="BackplaneUnavailableException"/>;
/// any other refusal (400 for a reserved event name such as <c>connected</c>, 401/403 for a wrong
/// publisher key, 413 for a body over the silo's limit, 429 past its publish rate, a 503 from a
/// load balancer or proxy in front of the silos) or an unreachable silo throws
/// <see cref="SseClientException"/> with the status, the problem's detail and the <c>Retry-After</c>.
/// <see cref="PublishResult.Online"/> is the silo's <c>online</c> answer. A timed-out request may
/// still have been applied.
/// </remarks>
public sealed class HttpSseCluster : ISseCluster
{
    private readonly SiloHttpApi _api;
    private readonly HttpBroadcastGrain _broadcast;

    /// <summary>Creates the cluster client over <paramref name="httpClient"/>, whose <see cref="HttpClient.BaseAddress"/> is the silo's address.</summary>
    /// <param name="httpClient">The client to send with; it is not disposed by this instance.</param>
    /// <param name="publisherKey">Sent as <c>Authorization: Bearer …</c> when not null.</param>
    public HttpSseCluster(HttpClient httpClient, string? publisherKey = null)
        : this(() => httpClient, RequireBase(httpClient), publisherKey)
    {
    }

    internal HttpSseCluster(Func<HttpClient> httpClient, Uri baseAddress, string? publisherKey)
    {
        _api = new SiloHttpApi(httpClient, baseAddress, publisherKey);
        _broadcast = new HttpBroadcastGrain(_api);
    }

    /// <inheritdoc />
    public IClientGrain GetClient(string clientId) =>
        new HttpClientGrain(SseNames.ThrowIfInvalidKey(clientId, nameof(clientId)), _api);

    /// <inheritdoc />
    public IGroupGrain GetGroup(string name) =>
        new HttpGroupGrain(SseNames.ThrowIfInvalidKey(name, nameof(name)), _api);

    /// <inheritdoc />
    public IBroadcastGrain GetBroadcast() => _broadcast;

    private static Uri RequireBase(HttpClient httpClient)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        return httpClient.BaseAddress is { IsAbsoluteUri: true } address
            ? address
            : throw new ArgumentException("The HttpClient needs an absolute BaseAddress (the silo's address).", nameof(httpClient));
    }
}

using OrleansSse.Client.Http;

namespace OrleansSse.Client;

/// <summary>
/// <see cref="ISseCluster"/> over a silo's HTTP API, for services that only see the silos (through
/// a load balancer, say). Each grain call is one request; names are checked locally first, so an
/// invalid id, an invalid or reserved event name (<see cref="SseNames.ReservedEvents"/>) or an
/// invalid coalesce key throws <see cref="ArgumentException"/> without a request. Thread-safe: one
/// instance serves every caller (it holds no state beside the thread-safe <see cref="HttpClient"/>).
/// </summary>
/// <remarks>
/// Errors: a silo's 503 saying the cluster's backplane is down (problem type
/// <see cref="SseProblemTypes.BackplaneUnavailable"/>) throws <see cref="BackplaneUnavailableException"/>;
/// any other refusal (401/403 for a wrong publisher key, 409 past the silos' group limit, 413 for a
/// body over the silo's limit, 429 past its publish rate, a 503 from a load balancer or proxy in
/// front of the silos), an unreachable silo or no answer in time throws
/// <see cref="SseClientException"/> with the status, the problem's detail and the <c>Retry-After</c>.
/// <see cref="PublishResult.Online"/> is the silo's <c>online</c> answer. A timed-out request may
/// still have been applied. The silos bound each backplane operation at 5 s: give the
/// <see cref="HttpClient"/> a longer <see cref="HttpClient.Timeout"/> (the registered client uses
/// <see cref="SseClientOptions.DefaultHttpOperationTimeout"/>, 10 s), so that a hung backplane comes
/// back as the silo's 503 rather than as a timeout. Cancelling throws an
/// <see cref="OperationCanceledException"/> (a <see cref="TaskCanceledException"/>).
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
        return SseClientOptionsValidator.IsHttpAddress(httpClient.BaseAddress)
            ? httpClient.BaseAddress!
            : throw new ArgumentException(
                SseClientOptionsValidator.BadBaseAddress("The HttpClient's BaseAddress (the silo's address)", httpClient.BaseAddress), nameof(httpClient));
    }
}

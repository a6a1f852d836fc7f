namespace OrleansSse.Client;

/// <summary>How a service reaches the cluster.</summary>
public enum SseClientMode
{
    /// <summary>Through a silo's HTTP API (<see cref="HttpSseCluster"/>): for services that only see the silos.</summary>
    Http,

    /// <summary>Straight to the cluster's Redis (<see cref="RedisSseCluster"/>): joins the cluster as a client, no HTTP hop.</summary>
    Redis,
}

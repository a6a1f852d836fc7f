namespace OrleansSse;

/// <summary>
/// The entry point for callers, like Orleans' <c>IClusterClient</c>: grains addressed by key.
/// Getting a grain is free and never fails for a valid key; the work happens in its methods.
/// Every implementation in this project (the silo's in-process cluster, <c>RedisSseCluster</c>,
/// <c>HttpSseCluster</c>) and the grains it returns are thread-safe: share one instance.
/// </summary>
public interface ISseCluster
{
    /// <summary>The grain for one client id.</summary>
    /// <exception cref="ArgumentException">The id is not a valid client id (<see cref="SseNames"/>).</exception>
    IClientGrain GetClient(string clientId);

    /// <summary>The grain for one group.</summary>
    /// <exception cref="ArgumentException">The name is not a valid group name (<see cref="SseNames"/>).</exception>
    IGroupGrain GetGroup(string name);

    /// <summary>The broadcast grain: everyone.</summary>
    IBroadcastGrain GetBroadcast();
}

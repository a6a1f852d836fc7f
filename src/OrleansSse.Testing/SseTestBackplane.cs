namespace OrleansSse.Testing;

/// <summary>The backplane choice for an <see cref="SseTestCluster"/>: <see cref="SharedInMemory"/> or <see cref="Redis"/>.</summary>
public sealed record SseTestBackplane
{
    private SseTestBackplane(SseTestBackplaneKind kind, string? redisConfiguration, string? keyPrefix)
    {
        Kind = kind;
        RedisConfiguration = redisConfiguration;
        KeyPrefix = keyPrefix;
    }

    /// <summary>The kind of backplane.</summary>
    public SseTestBackplaneKind Kind { get; }

    /// <summary>The StackExchange.Redis configuration string, for <see cref="SseTestBackplaneKind.Redis"/>.</summary>
    public string? RedisConfiguration { get; }

    /// <summary>
    /// The Redis key prefix of the silos (<c>OrleansSse:Backplane:KeyPrefix</c>), for
    /// <see cref="SseTestBackplaneKind.Redis"/>; null: each cluster makes up a prefix of its own
    /// (see <see cref="SseTestCluster.KeyPrefix"/>), so clusters on one Redis never see each other's events.
    /// </summary>
    public string? KeyPrefix { get; }

    /// <summary>One in-memory backplane shared by every silo of the cluster (silos must be in this process).</summary>
    public static SseTestBackplane SharedInMemory { get; } = new(SseTestBackplaneKind.SharedInMemory, null, null);

    /// <summary>A Redis backplane; <paramref name="configuration"/> is e.g. <c>127.0.0.1:6390</c>.</summary>
    /// <param name="configuration">The StackExchange.Redis configuration string of a Redis the caller runs.</param>
    /// <param name="keyPrefix">
    /// The silos' key prefix; null (the default): a prefix of the cluster's own, unique per
    /// <see cref="SseTestCluster"/>. Give one to share keys with something else on the same Redis (a
    /// second cluster, a <c>RedisSseCluster</c>). A <c>OrleansSse:Backplane:KeyPrefix</c> in
    /// <see cref="SseTestClusterOptions.Settings"/> wins over both.
    /// </param>
    public static SseTestBackplane Redis(string configuration, string? keyPrefix = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(configuration);
        return new(SseTestBackplaneKind.Redis, configuration, keyPrefix);
    }
}

namespace OrleansSse.Testing;

/// <summary>The backplane choice for an <see cref="SseTestCluster"/>: <see cref="SharedInMemory"/> or <see cref="Redis"/>.</summary>
public sealed record SseTestBackplane
{
    private SseTestBackplane(SseTestBackplaneKind kind, string? redisConfiguration)
    {
        Kind = kind;
        RedisConfiguration = redisConfiguration;
    }

    /// <summary>The kind of backplane.</summary>
    public SseTestBackplaneKind Kind { get; }

    /// <summary>The StackExchange.Redis configuration string, for <see cref="SseTestBackplaneKind.Redis"/>.</summary>
    public string? RedisConfiguration { get; }

    /// <summary>One in-memory backplane shared by every silo of the cluster (silos must be in this process).</summary>
    public static SseTestBackplane SharedInMemory { get; } = new(SseTestBackplaneKind.SharedInMemory, null);

    /// <summary>A Redis backplane; <paramref name="configuration"/> is e.g. <c>127.0.0.1:6390</c>.</summary>
    public static SseTestBackplane Redis(string configuration)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(configuration);
        return new(SseTestBackplaneKind.Redis, configuration);
    }
}

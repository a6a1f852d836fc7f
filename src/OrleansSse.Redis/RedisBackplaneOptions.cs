using OrleansSse.Backplane;

namespace OrleansSse.Redis;

/// <summary>Settings of <see cref="RedisBackplane"/>. Every silo of a cluster must use the same prefix and retention.</summary>
public sealed class RedisBackplaneOptions
{
    /// <summary>
    /// A StackExchange.Redis configuration string, e.g. <c>"127.0.0.1:6379,password=…"</c>.
    /// Every option it sets wins (e.g. <c>syncTimeout=10000,connectTimeout=15000,connectRetry=5</c>);
    /// only where it says nothing does the backplane set <c>abortConnect=false</c> (keep retrying),
    /// connect, sync and response timeouts of <see cref="OperationTimeout"/>, a 500 ms linear
    /// reconnect policy and the client name <c>orleanssse</c>.
    /// </summary>
    public string Configuration { get; set; } = "localhost:6379";

    /// <summary>Prefix of every key and channel (used as a cluster hash tag). Default <c>orleanssse</c>.</summary>
    public string KeyPrefix { get; set; } = "orleanssse";

    /// <summary>How much history each target keeps, and how long group memberships outlive their client's last connection.</summary>
    public RetentionOptions Retention { get; set; } = new();

    /// <summary>
    /// Longest wait for any one operation before it fails as unavailable. Default 5 s. A longer
    /// <c>syncTimeout</c> or <c>responseTimeout</c> in <see cref="Configuration"/> raises it to match.
    /// </summary>
    public TimeSpan OperationTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long an idle stream outlives its newest event beyond <see cref="RetentionOptions.MaxAge"/>. Default 1 min.</summary>
    public TimeSpan StreamExpiryMargin { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How long a stream's trimmed-through marker outlives the stream itself. While it exists, a
    /// cursor older than an expired stream resumes with <c>recovered: false</c>; after it is gone,
    /// that loss can no longer be detected. Default 1 day.
    /// </summary>
    public TimeSpan TrimmedMarkerLifetime { get; set; } = TimeSpan.FromDays(1);
}

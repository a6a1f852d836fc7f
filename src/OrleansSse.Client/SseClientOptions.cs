using OrleansSse.Backplane;

namespace OrleansSse.Client;

/// <summary>
/// Settings of the OrleansSse client, bindable from the configuration section
/// <see cref="SectionName"/> (<c>Mode</c>, <c>Redis</c>, <c>KeyPrefix</c>, <c>BaseAddress</c>,
/// <c>PublisherKey</c>, <c>OperationTimeout</c>, <c>Retention</c>), or set with
/// <see cref="UseRedis"/> / <see cref="UseHttp"/>.
/// </summary>
public sealed class SseClientOptions
{
    /// <summary>The configuration section the options are usually bound from: <c>OrleansSseClient</c>.</summary>
    public const string SectionName = "OrleansSseClient";

    /// <summary>
    /// How to reach the cluster. When null: <see cref="SseClientMode.Redis"/> if <see cref="Redis"/>
    /// is set, else <see cref="SseClientMode.Http"/> if <see cref="BaseAddress"/> is set.
    /// </summary>
    public SseClientMode? Mode { get; set; }

    /// <summary>Redis mode: the StackExchange.Redis configuration string of the cluster's Redis, e.g. <c>127.0.0.1:6379</c>.</summary>
    public string? Redis { get; set; }

    /// <summary>Redis mode: the prefix of every key and channel; must equal the silos' <c>OrleansSse:Backplane:KeyPrefix</c>. Default <c>orleanssse</c>.</summary>
    public string KeyPrefix { get; set; } = "orleanssse";

    /// <summary>
    /// Redis mode: the history bounds applied when this client publishes, and the membership
    /// lifetime of the groups it joins clients to; must equal the silos' <c>OrleansSse:Retention</c>,
    /// or streams this client writes to are trimmed differently and its joins lapse at another time.
    /// </summary>
    public RetentionOptions Retention { get; set; } = new();

    /// <summary>HTTP mode: a silo's (or its load balancer's) base address, e.g. <c>http://silo:8080/</c>.</summary>
    public Uri? BaseAddress { get; set; }

    /// <summary>HTTP mode: the publisher key sent as <c>Authorization: Bearer …</c>; null when the silos run without keys.</summary>
    public string? PublisherKey { get; set; }

    /// <summary>The default <see cref="OperationTimeout"/> in Redis mode: 5 s, the silos' own bound on a Redis command.</summary>
    public static TimeSpan DefaultRedisOperationTimeout { get; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The default <see cref="OperationTimeout"/> in HTTP mode: 10 s, longer than the silos' 5 s bound on
    /// a backplane operation, so that a hung backplane comes back as the silo's 503
    /// (<see cref="BackplaneUnavailableException"/>) rather than as this client giving up first.
    /// </summary>
    public static TimeSpan DefaultHttpOperationTimeout { get; } = TimeSpan.FromSeconds(10);

    /// <summary>The longest <see cref="OperationTimeout"/> accepted (longer protects nothing, and a bare <c>"5"</c> in configuration reads as 5 days).</summary>
    public static TimeSpan LongestOperationTimeout { get; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Longest wait for one operation: a Redis command (Redis mode) or an HTTP request (HTTP mode).
    /// Null (the default): <see cref="DefaultRedisOperationTimeout"/> (5 s) or
    /// <see cref="DefaultHttpOperationTimeout"/> (10 s). Positive and at most
    /// <see cref="LongestOperationTimeout"/>. In HTTP mode keep it above the silos' backplane bound
    /// (5 s), or a hung backplane surfaces as a timed-out <see cref="SseClientException"/> (no status).
    /// </summary>
    public TimeSpan? OperationTimeout { get; set; }

    /// <summary>Reach the cluster through its Redis, as a cluster client.</summary>
    /// <param name="configuration">The StackExchange.Redis configuration string.</param>
    /// <param name="keyPrefix">The silos' key prefix; null keeps <see cref="KeyPrefix"/>.</param>
    public SseClientOptions UseRedis(string configuration, string? keyPrefix = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(configuration);
        Mode = SseClientMode.Redis;
        Redis = configuration;
        KeyPrefix = keyPrefix ?? KeyPrefix;
        return this;
    }

    /// <summary>Reach the cluster through a silo's HTTP API.</summary>
    /// <param name="baseAddress">The silo's base address.</param>
    /// <param name="publisherKey">The publisher key, when the silos require one.</param>
    public SseClientOptions UseHttp(Uri baseAddress, string? publisherKey = null)
    {
        ArgumentNullException.ThrowIfNull(baseAddress);
        Mode = SseClientMode.Http;
        BaseAddress = baseAddress;
        PublisherKey = publisherKey ?? PublisherKey;
        return this;
    }

    /// <summary>The mode in effect: <see cref="Mode"/>, else inferred from <see cref="Redis"/> / <see cref="BaseAddress"/>; null when nothing says.</summary>
    internal SseClientMode? InferMode() =>
        Mode ?? (!string.IsNullOrWhiteSpace(Redis) ? SseClientMode.Redis
            : BaseAddress is not null ? SseClientMode.Http
            : null);

    /// <summary>The mode in effect (the options were validated by <see cref="SseClientOptionsValidator"/>).</summary>
    internal SseClientMode ResolveMode() =>
        InferMode() ?? throw new InvalidOperationException(SseClientOptionsValidator.NoTarget);

    /// <summary><see cref="OperationTimeout"/>, or the default of <paramref name="mode"/>.</summary>
    internal TimeSpan EffectiveOperationTimeout(SseClientMode mode) =>
        OperationTimeout ?? (mode == SseClientMode.Redis ? DefaultRedisOperationTimeout : DefaultHttpOperationTimeout);
}

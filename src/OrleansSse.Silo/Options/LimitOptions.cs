namespace OrleansSse.Silo.Options;

/// <summary>Limits (configuration section <c>OrleansSse:Limits</c>).</summary>
public sealed class LimitOptions
{
    /// <summary>Open streams on this silo; past it new streams get 503. Default 10000.</summary>
    public int MaxConnections { get; set; } = 10_000;

    /// <summary>Open streams per remote IP; past it 429. Default 1000.</summary>
    public int MaxConnectionsPerIp { get; set; } = 1_000;

    /// <summary>Open streams per client id on this silo; past it 429. Default 8.</summary>
    public int MaxConnectionsPerClient { get; set; } = 8;

    /// <summary>Largest body of send, broadcast and group send, in bytes; past it 413. Default 65536. (Endpoints that take no body do not read one.)</summary>
    public long MaxBodyBytes { get; set; } = 64 * 1024;

    /// <summary>Most distinct groups a client may join with <c>groups=</c> on connect (400 past it; duplicates and empty items do not count). Default 32; 0 refuses any <c>groups=</c>.</summary>
    public int MaxGroupsPerConnect { get; set; } = 32;

    /// <summary>
    /// Most groups a client id may belong to in total, checked on <c>PUT</c> membership and on
    /// <c>groups=</c> at connect (409 past it). Default 64; 0: no limit. Checked and joined in one
    /// atomic backplane step, so concurrent joins cannot pass it. Only the HTTP API checks it:
    /// <see cref="ISseCluster"/> callers (in-process, or a Redis-mode client) are not limited.
    /// </summary>
    public int MaxGroupsPerClient { get; set; } = 64;

    /// <summary>
    /// Calls per second to the publishing (AI included), membership, disconnect and info endpoints
    /// per publisher key (per remote IP when no keys are configured), on this silo: a token bucket
    /// refilled continuously at this many a second; past it 429 with <c>Retry-After</c>. Default 1000; 0: no limit.
    /// </summary>
    public int PublishEventsPerSecond { get; set; } = 1_000;

    /// <summary>
    /// The token bucket's size: how many calls may come at once (at least 1; below
    /// <see cref="PublishEventsPerSecond"/> it also caps the rate, to this many a second). Default 2000.
    /// </summary>
    public int PublishBurst { get; set; } = 2_000;

    /// <summary>
    /// Longest a stream stays open; then it ends with a <c>retry:</c> hint and the browser reconnects
    /// (and resumes). Default 24 hours; empty or zero: no limit; at most 365 days (negative or
    /// longer is refused at start).
    /// </summary>
    public TimeSpan? MaxConnectionLifetime { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// The <c>Retry-After</c> seconds sent with <c>GET /api/sse</c>'s 429 (per IP, per client) and
    /// 503 (silo full). Default 5. (A draining silo says 1, a backplane outage 2, the publish rate
    /// limit the bucket's wait.)
    /// </summary>
    public int RetryAfterSeconds { get; set; } = 5;
}

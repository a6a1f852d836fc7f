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

    /// <summary>Largest request body in bytes; past it 413. Default 65536.</summary>
    public long MaxBodyBytes { get; set; } = 64 * 1024;

    /// <summary>Most groups a client may join with <c>groups=</c> on connect. Default 32.</summary>
    public int MaxGroupsPerConnect { get; set; } = 32;

    /// <summary>The <c>Retry-After</c> seconds sent with 429 and 503. Default 5.</summary>
    public int RetryAfterSeconds { get; set; } = 5;
}

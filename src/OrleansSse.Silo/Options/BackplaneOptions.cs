namespace OrleansSse.Silo.Options;

/// <summary>Configuration section <c>OrleansSse:Backplane</c>.</summary>
public sealed class BackplaneOptions
{
    /// <summary>
    /// <c>InMemory</c> (one silo, no server) or <c>Redis</c> (a cluster). When empty, the silo uses
    /// Redis if <see cref="Redis"/> is set and the in-memory backplane otherwise.
    /// </summary>
    public string? Kind { get; set; }

    /// <summary>A StackExchange.Redis configuration string, e.g. <c>127.0.0.1:6379</c>.</summary>
    public string? Redis { get; set; }

    /// <summary>Prefix of every Redis key and channel, so several deployments can share one Redis.</summary>
    public string KeyPrefix { get; set; } = "orleanssse";

    /// <summary>Whether <see cref="Kind"/> is empty, <c>InMemory</c> or <c>Redis</c> (anything else stops the silo at start).</summary>
    internal bool HasKnownKind =>
        string.IsNullOrEmpty(Kind) ||
        string.Equals(Kind, "InMemory", StringComparison.OrdinalIgnoreCase) ||
        string.Equals(Kind, "Redis", StringComparison.OrdinalIgnoreCase);

    /// <summary>Whether the Redis backplane is selected.</summary>
    public bool UseRedis =>
        string.Equals(Kind, "Redis", StringComparison.OrdinalIgnoreCase) ||
        (string.IsNullOrEmpty(Kind) && !string.IsNullOrWhiteSpace(Redis));
}

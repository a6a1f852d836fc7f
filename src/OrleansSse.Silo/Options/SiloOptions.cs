namespace OrleansSse.Silo.Options;

/// <summary>The silo's identity and backplane (configuration section <c>OrleansSse</c>).</summary>
public sealed class SiloOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "OrleansSse";

    /// <summary>This silo's name in logs and <c>/healthz</c>. Default (also when empty): the machine name and process id.</summary>
    public string SiloName
    {
        get => field;
        set => field = string.IsNullOrWhiteSpace(value) ? DefaultName : value;
    } = DefaultName;

    private static string DefaultName => $"{Environment.MachineName}-{Environment.ProcessId}";

    /// <summary>
    /// Run socket continuations inline (Kestrel's <c>UnsafePreferInlineScheduling</c>) instead of
    /// hopping to the thread pool for every write. Fan-out to many connections is several times
    /// faster (bench/RESULTS.md); the price is that request handlers run on the socket threads, which
    /// is fine for this silo's handlers (none blocks). Default true.
    /// </summary>
    public bool InlineSocketScheduling { get; set; } = true;

    /// <summary>Which backplane the silo uses.</summary>
    public BackplaneOptions Backplane { get; set; } = new();

    /// <summary>
    /// Reverse proxies (IP addresses or CIDR networks) whose <c>X-Forwarded-For</c> names the real
    /// client, for per-IP limits. Loopback is always trusted (a proxy on the same machine).
    /// </summary>
    public string[] TrustedProxies { get; set; } = [];
}

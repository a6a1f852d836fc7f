using Microsoft.AspNetCore.Builder;

namespace OrleansSse.Testing;

/// <summary>How to start an <see cref="SseTestCluster"/>.</summary>
public sealed class SseTestClusterOptions
{
    private IDictionary<string, string?> _settings = new Dictionary<string, string?>();

    /// <summary>Silos to start (at least 1). Default 1.</summary>
    public int Silos { get; set; } = 1;

    /// <summary>The backplane the silos share. Default <see cref="SseTestBackplane.SharedInMemory"/>.</summary>
    public SseTestBackplane Backplane { get; set; } = SseTestBackplane.SharedInMemory;

    /// <summary>
    /// Configuration overrides applied to every silo, keys in ASP.NET Core form
    /// (e.g. <c>OrleansSse:Stream:QueueCapacity</c>). They win over <c>silo.json</c>, environment
    /// variables (<c>OrleansSse__…</c>) and defaults.
    /// </summary>
    /// <exception cref="ArgumentNullException">Set to null.</exception>
    public IDictionary<string, string?> Settings
    {
        get => _settings;
        set => _settings = value ?? throw new ArgumentNullException(nameof(value), "Settings must not be null; leave it empty for no overrides.");
    }

    /// <summary>Runs on every silo's builder after the cluster's own settings (add services, replace options).</summary>
    public Action<WebApplicationBuilder>? Configure { get; set; }

    /// <summary>
    /// The clock of every silo (registered as their <see cref="System.TimeProvider"/>) and of the
    /// shared in-memory backplane: a test clock moves retention, membership lapse, connection
    /// deadlines and token expiry by hand. Timers still run in real time unless the clock makes them.
    /// Default: the system clock.
    /// </summary>
    public TimeProvider? Time { get; set; }

    /// <summary>How long to wait for a connection's <c>connected</c> event and for a silo to stop. Default 10 s.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);
}

using System.Globalization;
using OrleansSse.Testing;

namespace OrleansSse.Browser.Tests;

/// <summary>Starts the silos the browser tests point Chromium at.</summary>
internal static class BrowserCluster
{
    /// <summary>
    /// The <c>retry:</c> hint the silos send. The browser waits this long before it reconnects by
    /// itself, which leaves the resume tests a window to publish while it is away.
    /// </summary>
    public const int RetryMilliseconds = 2000;

    /// <summary>
    /// One silo (more with <see cref="SseTestCluster.StartAdditionalSiloAsync"/>) on a shared
    /// in-memory backplane, on a free port or on <paramref name="port"/>.
    /// </summary>
    public static Task<SseTestCluster> StartAsync(int? port = null)
    {
        var options = new SseTestClusterOptions
        {
            Silos = 1,
            Settings =
            {
                ["OrleansSse:Stream:RetryMilliseconds"] = RetryMilliseconds.ToString(CultureInfo.InvariantCulture),
                ["OrleansSse:Ai:TokenDelay"] = "00:00:00.040",
            },
        };
        if (port is { } fixedPort)
        {
            options.Settings["urls"] = "http://127.0.0.1:" + fixedPort.ToString(CultureInfo.InvariantCulture);
        }

        return SseTestCluster.StartAsync(options);
    }
}

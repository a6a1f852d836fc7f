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

    /// <summary>One silo (more with <see cref="SseTestCluster.StartAdditionalSiloAsync"/>) on a shared in-memory backplane.</summary>
    public static Task<SseTestCluster> StartAsync() => SseTestCluster.StartAsync(new SseTestClusterOptions
    {
        Silos = 1,
        Settings =
        {
            ["OrleansSse:Stream:RetryMilliseconds"] = RetryMilliseconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["OrleansSse:Ai:TokenDelay"] = "00:00:00.040",
        },
    });
}

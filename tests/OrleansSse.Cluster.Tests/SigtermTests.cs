using System.Diagnostics;
using System.Text;

namespace OrleansSse.Cluster.Tests;

/// <summary>A real silo process stopped with SIGTERM drains: streams end with a <c>retry:</c> hint and it exits in time.</summary>
public sealed class SigtermTests
{
    private static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task SigtermEndsOpenStreamsWithARetryHintAndTheSiloExitsWithinTheShutdownTimeout()
    {
        await using var silo = await SiloProcess.StartAsync(
            ["--shutdownTimeoutSeconds", ((int)ShutdownTimeout.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture)],
            Wait.Timeout);
        using var http = new HttpClient { BaseAddress = silo.BaseAddress, Timeout = Timeout.InfiniteTimeSpan };
        using var response = await http.GetAsync($"/api/sse?client_id={Wait.Unique("leaving")}", HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        await using var body = await response.Content.ReadAsStreamAsync();
        using var reading = new CancellationTokenSource(Wait.Timeout);
        var text = new StringBuilder();
        var buffer = new byte[4096];

        // The connected event and the first retry hint, then SIGTERM.
        while (!text.ToString().Contains("retry: 3000\n", StringComparison.Ordinal))
        {
            var read = await body.ReadAsync(buffer, reading.Token);
            Assert.True(read > 0, "the stream ended before its first retry hint: " + text);
            text.Append(Encoding.UTF8.GetString(buffer, 0, read));
        }

        var head = text.Length;
        var stopwatch = Stopwatch.StartNew();
        Signals.Terminate(silo.Id);

        int n;
        while ((n = await body.ReadAsync(buffer, reading.Token)) > 0)
        {
            text.Append(Encoding.UTF8.GetString(buffer, 0, n));
        }

        var tail = text.ToString()[head..];
        Assert.Matches(@"(^|\n)retry: \d+\n", tail);
        Assert.EndsWith("\n", tail, StringComparison.Ordinal);
        await silo.WaitForExitAsync(ShutdownTimeout + TimeSpan.FromSeconds(2));
        Assert.True(stopwatch.Elapsed < ShutdownTimeout + TimeSpan.FromSeconds(2), $"exited after {stopwatch.Elapsed}");
        Assert.True(silo.ExitCode == 0, $"exit code {silo.ExitCode}:\n{silo.Output}");
    }
}

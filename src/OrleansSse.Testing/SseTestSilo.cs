using System.Globalization;
using Microsoft.AspNetCore.Builder;

namespace OrleansSse.Testing;

/// <summary>One silo of an <see cref="SseTestCluster"/>: a real Kestrel host on a loopback port.</summary>
public sealed class SseTestSilo
{
    internal SseTestSilo(int index, string name, WebApplication app, Uri baseAddress)
    {
        Index = index;
        Name = name;
        App = app;
        BaseAddress = baseAddress;
        Http = new HttpClient(SseTestCluster.CreateHandler()) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
        StreamHttp = new HttpClient(SseTestCluster.CreateHandler()) { BaseAddress = baseAddress, Timeout = System.Threading.Timeout.InfiniteTimeSpan };
    }

    /// <summary>Position in <see cref="SseTestCluster.Silos"/>.</summary>
    public int Index { get; }

    /// <summary>The silo's name (<c>OrleansSse:SiloName</c>), <c>silo-{index}</c> unless configured.</summary>
    public string Name { get; }

    /// <summary>Where it listens, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseAddress { get; }

    /// <summary>The silo's service provider.</summary>
    public IServiceProvider Services => App.Services;

    /// <summary>An HTTP client for this silo's API (30 s timeout, no decompression, no proxy).</summary>
    public HttpClient Http { get; }

    /// <summary>False once the silo was stopped or killed.</summary>
    public bool IsRunning { get; internal set; } = true;

    internal WebApplication App { get; }

    internal HttpClient StreamHttp { get; }

    /// <summary>
    /// Reads <c>/metrics</c> and returns the value of <paramref name="name"/> (summed over its label
    /// sets). Throws <see cref="KeyNotFoundException"/> naming the metrics present when it is absent.
    /// </summary>
    public async Task<double> ReadMetricAsync(string name, CancellationToken cancellationToken = default)
    {
        var text = await Http.GetStringAsync(new Uri("/metrics", UriKind.Relative), cancellationToken).ConfigureAwait(false);
        double? sum = null;
        var names = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var nameEnd = line.IndexOfAny([' ', '{']);
            var space = line.LastIndexOf(' ');
            if (nameEnd <= 0 || space <= 0)
            {
                continue;
            }

            var metric = line[..nameEnd];
            names.Add(metric);
            if (metric == name && double.TryParse(line[(space + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                sum = (sum ?? 0) + value;
            }
        }

        return sum ?? throw new KeyNotFoundException($"Metric '{name}' not found in /metrics of {Name}; present: {string.Join(", ", names)}");
    }

    internal void DisposeClients()
    {
        Http.Dispose();
        StreamHttp.Dispose();
    }
}

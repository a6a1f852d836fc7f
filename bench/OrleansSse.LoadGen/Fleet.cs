using System.Net;
using System.Net.Sockets;

namespace OrleansSse.LoadGen;

/// <summary>Opens, holds and closes the run's SSE connections; all of them share the thread pool.</summary>
internal sealed class Fleet(LoadOptions options, LoadStats stats, string runTag)
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(30);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _runs = [];

    public SseConnection[] Connections { get; } = Enumerable.Range(0, options.Connections)
        .Select(i => new SseConnection(i, $"bench-{runTag}-{i}", stats)).ToArray();

    public int Opened { get; private set; }

    public int Held => Connections.Count(c => c.IsOpen && c.Connected.IsCompletedSuccessfully && c.Connected.Result);

    public int Failed => Connections.Count(c => c.Connected.IsCompleted && !c.Connected.Result);

    public async Task OpenAsync()
    {
        var endpoint = await ResolveAsync(options.Url);
        var host = options.Url.Authority;
        using var gate = new SemaphoreSlim(options.ConnectParallel);
        var waits = new List<Task>(Connections.Length);
        foreach (var connection in Connections)
        {
            await gate.WaitAsync();
            _runs.Add(connection.RunAsync(endpoint, host, _stop.Token));
            waits.Add(ReleaseWhenConnectedAsync(connection, gate));
            Opened++;
        }
        await Task.WhenAll(waits);
    }

    public async Task CloseAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_runs).WaitAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>The first failure reasons, for the report.</summary>
    public string? FailureSummary() => Connections.Where(c => c.Failure is not null)
        .GroupBy(c => c.Failure).Select(g => $"{g.Count()}× {g.Key}").FirstOrDefault();

    private static async Task ReleaseWhenConnectedAsync(SseConnection connection, SemaphoreSlim gate)
    {
        try
        {
            await connection.Connected.WaitAsync(ConnectTimeout);
        }
        catch (TimeoutException)
        {
            // Counted as not held.
        }
        finally
        {
            gate.Release();
        }
    }

    private static async Task<IPEndPoint> ResolveAsync(Uri url)
    {
        if (!IPAddress.TryParse(url.Host, out var address))
        {
            address = (await Dns.GetHostAddressesAsync(url.Host)).First(a => a.AddressFamily == AddressFamily.InterNetwork);
        }
        return new IPEndPoint(address, url.Port);
    }
}

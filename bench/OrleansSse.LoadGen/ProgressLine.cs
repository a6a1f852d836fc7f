using System.Diagnostics;

namespace OrleansSse.LoadGen;

/// <summary>Prints a one-line status to stderr every second (a new line when stderr is not a terminal).</summary>
internal sealed class ProgressLine(LoadOptions options, LoadStats stats, Fleet fleet) : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly long _started = Stopwatch.GetTimestamp();
    private Task _loop = Task.CompletedTask;

    public string Phase { get; set; } = "connect";

    public void Start() => _loop = LoopAsync();

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        if (!Console.IsErrorRedirected)
        {
            Console.Error.WriteLine();
        }
        _stop.Dispose();
    }

    private async Task LoopAsync()
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        long lastDelivered = 0;
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                var delivered = stats.Delivered;
                var line = $"[{options.Label} {options.Scenario}] {Phase,-8} {Stopwatch.GetElapsedTime(_started).TotalSeconds,5:F0}s " +
                           $"held {fleet.Held,6:N0}/{fleet.Opened:N0}  published {stats.Published:N0}  delivered {delivered:N0} " +
                           $"(+{delivered - lastDelivered:N0}/s)  p99 {stats.Latency.Quantile(0.99) / 1000:F1} ms";
                lastDelivered = delivered;
                Console.Error.Write(Console.IsErrorRedirected ? line + "\n" : "\r" + line + "\u001b[K");
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }
    }
}

using Microsoft.Extensions.Options;
using OrleansSse.Connections;

namespace OrleansSse.Silo.Hosting;

/// <summary>
/// One silo-wide sweep, every <see cref="Interval"/>, that ends the streams whose deadline (the
/// subscriber token's <c>exp</c> or <c>Limits:MaxConnectionLifetime</c>) falls before the next
/// sweep: what is queued is written, then a <c>retry:</c> hint, then the stream ends, so a stream
/// ends at most one interval before its deadline and never after it. The same sweep cuts the
/// streams whose writer has waited on one flush for <c>Stream:WriteStallTimeout</c> (their client
/// stopped reading), at most one interval after it. No timer per stream.
/// </summary>
internal sealed class ExpiryService(ConnectionRegistry registry, IOptions<StreamOptions> options, TimeProvider time) : BackgroundService
{
    /// <summary>How often the sweep runs.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var retry = SseEncoder.Retry(options.Value.RetryMilliseconds);
        var stallTimeout = options.Value.WriteStallTimeout;
        using var timer = new PeriodicTimer(Interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                registry.ExpireDue(time.GetUtcNow() + Interval, retry);
                if (stallTimeout > TimeSpan.Zero)
                {
                    // The writers stamp Environment.TickCount64 (cheap, monotonic), not this TimeProvider's clock.
                    registry.CutStalled(Environment.TickCount64, stallTimeout);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }
}

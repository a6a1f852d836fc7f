using Microsoft.Extensions.Options;
using OrleansSse.Connections;

namespace OrleansSse.Silo.Hosting;

/// <summary>One silo-wide timer that queues a heartbeat comment to every idle stream (no timer per connection).</summary>
internal sealed class HeartbeatService(ConnectionRegistry registry, IOptions<StreamOptions> options) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.HeartbeatInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                registry.Heartbeat();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }
}

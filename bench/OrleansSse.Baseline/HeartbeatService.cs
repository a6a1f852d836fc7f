namespace OrleansSse.Baseline;

/// <summary>Every 15 s, queues a heartbeat comment to every client.</summary>
internal sealed class HeartbeatService(BaselineHub hub) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(15);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            hub.Broadcast(BaselineMessage.Heartbeat);
        }
    }
}

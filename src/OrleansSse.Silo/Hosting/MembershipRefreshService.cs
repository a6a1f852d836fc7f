namespace OrleansSse.Silo.Hosting;

/// <summary>Runs <see cref="MembershipRefresher.TickAsync"/> every <see cref="MembershipRefresher.TickInterval"/> .</summary>
internal sealed class MembershipRefreshService(MembershipRefresher refresher, TimeProvider time) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(refresher.TickInterval, time);
        try
        {
            do
            {
                await refresher.TickAsync(stoppingToken);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }
}

using OrleansSse.Backplane;
using OrleansSse.Connections;

namespace OrleansSse.Silo.Hosting;

/// <summary>
/// Keeps the ids of idle streams young: while this silo holds streams, it publishes a watermark
/// (<see cref="ISseBackplane.PublishWatermarkAsync"/>) every <see cref="IntervalFor"/> the backplane's
/// <see cref="ISseBackplane.CursorHorizon"/>, and every silo writes it to its idle streams as an
/// <c>id:</c> line alone. Without it, a client that stayed connected but received nothing for longer
/// than the horizon would resume with <c>"recovered": false</c> although it missed nothing.
/// </summary>
/// <remarks>
/// Each silo publishes its own, so an idle stream gets one per silo per interval. A failed publish
/// (backplane down) is logged at debug level and skipped: the next interval tries again.
/// </remarks>
internal sealed class WatermarkService(ISseBackplane backplane, ConnectionRegistry registry, TimeProvider time, ILogger<WatermarkService> logger) : BackgroundService
{
    /// <summary>A quarter of <paramref name="horizon"/>, between a second and an hour.</summary>
    public static TimeSpan IntervalFor(TimeSpan horizon) =>
        TimeSpan.FromTicks(Math.Clamp(horizon.Ticks / 4, TimeSpan.TicksPerSecond, TimeSpan.TicksPerHour));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(IntervalFor(backplane.CursorHorizon), time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                if (registry.Count == 0)
                {
                    continue;
                }

                try
                {
                    await backplane.PublishWatermarkAsync(stoppingToken);
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    WatermarkLog.Failed(logger, ex.Message);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }
}

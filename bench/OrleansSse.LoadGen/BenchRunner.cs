using System.Diagnostics;

namespace OrleansSse.LoadGen;

/// <summary>
/// One run: open the connections, hold (idle) or publish, wait for stragglers, measure.
/// CPU shares cover connect + hold for idle, publish + drain otherwise.
/// </summary>
internal sealed class BenchRunner(LoadOptions options)
{
    public async Task<BenchResult> RunAsync()
    {
        var stats = new LoadStats();
        var fleet = new Fleet(options, stats, Guid.NewGuid().ToString("N")[..8]);
        var progress = new ProgressLine(options, stats, fleet);
        progress.Start();
        await using (progress)
        {
            var siloBefore = ProcessSample.Read(options.Pids);
            var selfBefore = ProcessSample.Self();
            var machineBefore = MachineSample.Read();
            await fleet.OpenAsync();
            var connectSeconds = Stopwatch.GetElapsedTime(selfBefore.Timestamp).TotalSeconds;
            progress.Phase = "hold";
            await Task.Delay(TimeSpan.FromSeconds(options.Scenario == "idle" ? options.HoldSeconds : 1));
            var siloConnected = ProcessSample.Read(options.Pids);
            var selfConnected = ProcessSample.Self();
            var machineConnected = MachineSample.Read();
            var held = fleet.Held;

            var publishStart = Stopwatch.GetTimestamp();
            var publishingSeconds = 0.0;
            if (options.Scenario != "idle")
            {
                progress.Phase = "publish";
                using var publisher = new Publisher(options, stats, fleet.Connections);
                await publisher.RunAsync();
                publishingSeconds = Stopwatch.GetElapsedTime(publishStart).TotalSeconds;
                progress.Phase = "drain";
                await DrainAsync(stats, fleet);
            }
            var publishSeconds = Stopwatch.GetElapsedTime(publishStart).TotalSeconds;
            var siloEnd = ProcessSample.Read(options.Pids);
            var selfEnd = ProcessSample.Self();
            var machineEnd = MachineSample.Read();
            var idle = options.Scenario == "idle";
            var result = Measure(stats, fleet, held) with
            {
                ConnectSeconds = connectSeconds,
                SiloRssBeforeKb = siloBefore.RssKb,
                SiloRssConnectedKb = siloConnected.RssKb,
                SiloRssEndKb = siloEnd.RssKb,
                SiloRssPerConnectionBytes = held == 0 ? 0 : (siloConnected.RssKb - siloBefore.RssKb) * 1024.0 / held,
                PublishSeconds = publishingSeconds,
                PublishesPerSecond = idle ? 0 : stats.Published / publishingSeconds,
                MachineCpuPercent = idle
                    ? MachineSample.BusyPercent(machineBefore, machineConnected, Stopwatch.GetElapsedTime(selfBefore.Timestamp, selfConnected.Timestamp).TotalSeconds)
                    : MachineSample.BusyPercent(machineConnected, machineEnd, publishSeconds),
                LoadGenCpuPercent = idle ? ProcessSample.CpuPercent(selfBefore, selfConnected) : ProcessSample.CpuPercent(selfConnected, selfEnd),
                SiloCpuPercent = idle ? ProcessSample.CpuPercent(siloBefore, siloConnected) : ProcessSample.CpuPercent(siloConnected, siloEnd),
                DeliverySeconds = idle ? 0 : DeliverySeconds(fleet, publishStart),
            };
            await fleet.CloseAsync();
            return result with { DeliveriesPerSecond = result.DeliverySeconds > 0 ? result.Delivered / result.DeliverySeconds : 0 };
        }
    }

    private long ExpectedFor(SseConnection connection, LoadStats stats) =>
        options.Scenario == "broadcast" ? stats.Published : Interlocked.Read(ref connection.Expected);

    /// <summary>Waits until every expected event arrived, deliveries stop for 2 s, or --drain passes.</summary>
    private async Task DrainAsync(LoadStats stats, Fleet fleet)
    {
        var expected = fleet.Connections.Where(c => c.Connected.IsCompletedSuccessfully && c.Connected.Result)
            .Sum(c => ExpectedFor(c, stats));
        var deadline = Stopwatch.GetTimestamp() + (long)(options.DrainSeconds * Stopwatch.Frequency);
        var last = -1L;
        var lastChange = Stopwatch.GetTimestamp();
        while (stats.Delivered < expected && Stopwatch.GetTimestamp() < deadline)
        {
            if (stats.Delivered != last)
            {
                last = stats.Delivered;
                lastChange = Stopwatch.GetTimestamp();
            }
            else if (Stopwatch.GetElapsedTime(lastChange) > TimeSpan.FromSeconds(2))
            {
                return;
            }
            await Task.Delay(20);
        }
    }

    private BenchResult Measure(LoadStats stats, Fleet fleet, int held)
    {
        long expected = 0, duplicates = 0, lost = 0;
        foreach (var c in fleet.Connections.Where(c => c.Connected.IsCompletedSuccessfully && c.Connected.Result))
        {
            var want = ExpectedFor(c, stats);
            expected += want;
            duplicates += c.Duplicates;
            lost += Math.Max(0, want - (c.Received - c.Duplicates));
        }
        static double Ms(double micros) => micros / 1000.0;
        return new BenchResult
        {
            Label = options.Label,
            Scenario = options.Scenario,
            Url = options.Url.ToString(),
            PublishUrl = options.PublishTarget.ToString(),
            ConnectionsRequested = options.Connections,
            ConnectionsHeld = held,
            ConnectionsFailed = fleet.Failed,
            FirstFailure = fleet.FailureSummary(),
            ConnectP50Ms = Ms(stats.Connect.Quantile(0.5)),
            ConnectP99Ms = Ms(stats.Connect.Quantile(0.99)),
            Rate = options.Rate,
            DurationSeconds = options.Scenario == "idle" ? options.HoldSeconds : options.DurationSeconds,
            Published = stats.Published,
            PublishErrors = stats.PublishErrors,
            PublishRttP50Ms = Ms(stats.PublishRoundTrip.Quantile(0.5)),
            PublishRttP99Ms = Ms(stats.PublishRoundTrip.Quantile(0.99)),
            Expected = expected,
            Delivered = stats.Delivered,
            Duplicates = duplicates,
            Lost = lost,
            LatencyP1Ms = Ms(stats.Latency.Quantile(0.01)),
            LatencyP10Ms = Ms(stats.Latency.Quantile(0.1)),
            LatencyP50Ms = Ms(stats.Latency.Quantile(0.5)),
            LatencyP99Ms = Ms(stats.Latency.Quantile(0.99)),
            LatencyP999Ms = Ms(stats.Latency.Quantile(0.999)),
            LatencyMaxMs = Ms(stats.Latency.MaxMicros),
        };
    }

    private static double DeliverySeconds(Fleet fleet, long publishStart)
    {
        var lastReceive = fleet.Connections.Max(c => c.LastReceiveTimestamp);
        return lastReceive <= publishStart ? 0 : Stopwatch.GetElapsedTime(publishStart, lastReceive).TotalSeconds;
    }
}

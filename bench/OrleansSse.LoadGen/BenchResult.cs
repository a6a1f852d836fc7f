namespace OrleansSse.LoadGen;

/// <summary>The outcome of one run; serialised as the <c>--json</c> output. Times in ms, CPU in % of one core.</summary>
internal sealed record BenchResult
{
    public string Label { get; init; } = "";
    public string Scenario { get; init; } = "";
    public string Url { get; init; } = "";
    public string PublishUrl { get; init; } = "";
    public int Cores { get; init; } = Environment.ProcessorCount;
    public int ConnectionsRequested { get; init; }
    public int ConnectionsHeld { get; init; }
    public int ConnectionsFailed { get; init; }
    public string? FirstFailure { get; init; }
    public double ConnectSeconds { get; init; }
    public double ConnectP50Ms { get; init; }
    public double ConnectP99Ms { get; init; }
    public long SiloRssBeforeKb { get; init; }
    public long SiloRssConnectedKb { get; init; }
    public long SiloRssEndKb { get; init; }
    public double SiloRssPerConnectionBytes { get; init; }
    public double Rate { get; init; }
    public double DurationSeconds { get; init; }
    public long Published { get; init; }
    public long PublishErrors { get; init; }
    public double PublishSeconds { get; init; }
    public double PublishesPerSecond { get; init; }
    public double PublishRttP50Ms { get; init; }
    public double PublishRttP99Ms { get; init; }
    public long Expected { get; init; }
    public long Delivered { get; init; }
    public long Duplicates { get; init; }
    public long Lost { get; init; }
    public double DeliverySeconds { get; init; }
    public double DeliveriesPerSecond { get; init; }
    public double LatencyP1Ms { get; init; }
    public double LatencyP10Ms { get; init; }
    public double LatencyP50Ms { get; init; }
    public double LatencyP99Ms { get; init; }
    public double LatencyP999Ms { get; init; }
    public double LatencyMaxMs { get; init; }
    public double LoadGenCpuPercent { get; init; }
    public double SiloCpuPercent { get; init; }

    /// <summary>Every process on the machine together; minus silo and load generator = other load.</summary>
    public double MachineCpuPercent { get; init; }

    /// <summary>CPU of everything but the silo and the load generator (other tenants of the machine).</summary>
    public double OtherCpuPercent => Math.Max(0, MachineCpuPercent - SiloCpuPercent - LoadGenCpuPercent);

    /// <summary>The end-of-run table: one line per measure.</summary>
    public string ToTable()
    {
        var rows = new (string, string)[]
        {
            ("system / scenario", $"{Label} / {Scenario}"),
            ("connections held", $"{ConnectionsHeld:N0} of {ConnectionsRequested:N0} (failed {ConnectionsFailed}{(FirstFailure is null ? "" : ": " + FirstFailure)})"),
            ("connect", $"{ConnectSeconds:F2} s total, p50 {ConnectP50Ms:F1} ms, p99 {ConnectP99Ms:F1} ms"),
            ("silo RSS", $"{SiloRssBeforeKb / 1024.0:F1} MiB → {SiloRssConnectedKb / 1024.0:F1} MiB connected → {SiloRssEndKb / 1024.0:F1} MiB end"),
            ("RSS per connection", $"{SiloRssPerConnectionBytes / 1024:F1} KiB"),
            ("published", $"{Published:N0} ({PublishErrors} errors) in {PublishSeconds:F1} s = {PublishesPerSecond:N0}/s, rtt p50 {PublishRttP50Ms:F2} ms p99 {PublishRttP99Ms:F2} ms"),
            ("deliveries", $"{Delivered:N0} of {Expected:N0} expected in {DeliverySeconds:F1} s = {DeliveriesPerSecond:N0}/s"),
            ("lost / duplicates", $"{Lost:N0} / {Duplicates:N0}"),
            ("latency", $"p1 {LatencyP1Ms:F2} ms  p10 {LatencyP10Ms:F2} ms  p50 {LatencyP50Ms:F2} ms  p99 {LatencyP99Ms:F2} ms  p99.9 {LatencyP999Ms:F2} ms  max {LatencyMaxMs:F2} ms"),
            ("CPU (% of one core)", $"silo {SiloCpuPercent:F0} %, load generator {LoadGenCpuPercent:F0} %, other {OtherCpuPercent:F0} % of {Cores * 100} %"),
        };
        var width = rows.Max(r => r.Item1.Length);
        return string.Join('\n', rows.Select(r => $"{r.Item1.PadRight(width)} | {r.Item2}"));
    }
}

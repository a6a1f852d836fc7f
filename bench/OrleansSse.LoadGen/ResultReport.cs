using System.Globalization;
using System.Text;
using System.Text.Json;

namespace OrleansSse.LoadGen;

/// <summary>Serialises results and renders saved ones as one markdown table.</summary>
internal static class ResultReport
{
    public static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static string Markdown(IEnumerable<string> files)
    {
        var results = files.Select(f => JsonSerializer.Deserialize<BenchResult>(File.ReadAllText(f), JsonOptions)!);
        var text = new StringBuilder();
        text.AppendLine("| system | scenario | conns held | connect p99 ms | RSS/conn KiB | rate | published | deliveries/s | p50 ms | p99 ms | max ms | lost | dup | silo CPU % | loadgen CPU % | other CPU % |");
        text.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in results)
        {
            var rate = r.Scenario == "idle" ? "-" : r.Rate == 0 ? "flat out" : r.Rate.ToString(CultureInfo.InvariantCulture) + "/s";
            text.Append(CultureInfo.InvariantCulture,
                $"| {r.Label} | {r.Scenario} | {r.ConnectionsHeld:N0} | {r.ConnectP99Ms:F1} | {r.SiloRssPerConnectionBytes / 1024:F1} | {rate} | {r.Published:N0} | ")
                .AppendLine(CultureInfo.InvariantCulture,
                $"{r.DeliveriesPerSecond:N0} | {r.LatencyP50Ms:F2} | {r.LatencyP99Ms:F2} | {r.LatencyMaxMs:F1} | {r.Lost:N0} | {r.Duplicates:N0} | {r.SiloCpuPercent:F0} | {r.LoadGenCpuPercent:F0} | {r.OtherCpuPercent:F0} |");
        }
        return text.ToString();
    }
}

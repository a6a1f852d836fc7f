using System.Globalization;

namespace OrleansSse.LoadGen;

/// <summary>
/// RSS and CPU time of a set of processes, read from /proc (Linux only). CPU is in clock ticks
/// (USER_HZ, 100 per second on Linux).
/// </summary>
internal readonly record struct ProcessSample(long RssKb, long CpuTicks, long Timestamp)
{
    private const double TicksPerSecond = 100.0;

    public static ProcessSample Read(IReadOnlyList<int> pids)
    {
        long rss = 0, cpu = 0;
        foreach (var pid in pids)
        {
            rss += ReadRssKb(pid);
            cpu += ReadCpuTicks(pid);
        }
        return new ProcessSample(rss, cpu, System.Diagnostics.Stopwatch.GetTimestamp());
    }

    public static ProcessSample Self() => Read([Environment.ProcessId]);

    /// <summary>CPU used between two samples, in percent of one core.</summary>
    public static double CpuPercent(ProcessSample from, ProcessSample to)
    {
        var seconds = System.Diagnostics.Stopwatch.GetElapsedTime(from.Timestamp, to.Timestamp).TotalSeconds;
        return seconds <= 0 ? 0 : (to.CpuTicks - from.CpuTicks) / TicksPerSecond / seconds * 100.0;
    }

    private static long ReadRssKb(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    return long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture);
                }
            }
        }
        catch (IOException)
        {
        }
        return 0;
    }

    private static long ReadCpuTicks(int pid)
    {
        try
        {
            // Fields after the parenthesised command name: state is field 3; utime, stime are 14, 15.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return 0;
        }
    }
}

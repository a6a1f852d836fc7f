using System.Globalization;

namespace OrleansSse.LoadGen;

/// <summary>
/// Machine-wide CPU time from /proc/stat (all cores, in ticks), to report how busy the machine
/// was during a run — other processes on a shared machine skew every number.
/// </summary>
internal readonly record struct MachineSample(long BusyTicks, long TotalTicks)
{
    public static MachineSample Read()
    {
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Skip(1).Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        var idle = fields[3] + fields[4]; // idle + iowait
        var total = fields.Take(8).Sum(); // user nice system idle iowait irq softirq steal
        return new MachineSample(total - idle, total);
    }

    /// <summary>CPU used by everything between two samples, in percent of one core.</summary>
    public static double BusyPercent(MachineSample from, MachineSample to, double seconds) =>
        seconds <= 0 ? 0 : (to.BusyTicks - from.BusyTicks) / 100.0 / seconds * 100.0;
}

using System.Globalization;
using System.Text;

namespace OrleansSse.Silo.Endpoints;

/// <summary>
/// Process and GC gauges for <c>/metrics</c>: what memory per connection and allocation rates are
/// judged by (the benchmark reads them; <c>dotnet-counters</c> is not needed).
/// </summary>
internal static class RuntimeGauges
{
    public static void WritePrometheus(StringBuilder output)
    {
        var info = GC.GetGCMemoryInfo();
        Write(output, "process_working_set_bytes", "Resident memory of the silo process.", "gauge", Environment.WorkingSet);
        Write(output, "dotnet_gc_heap_bytes", "Managed heap size after the last GC.", "gauge", info.HeapSizeBytes);
        Write(output, "dotnet_gc_fragmented_bytes", "Free space inside the managed heap after the last GC.", "gauge", info.FragmentedBytes);
        Write(output, "dotnet_gc_committed_bytes", "Memory the GC has committed.", "gauge", info.TotalCommittedBytes);
        Write(output, "dotnet_gc_allocated_bytes_total", "Bytes allocated on the managed heap.", "counter", GC.GetTotalAllocatedBytes());
        output.Append("# HELP dotnet_gc_collections_total Garbage collections by generation.\n")
            .Append("# TYPE dotnet_gc_collections_total counter\n");
        for (var gen = 0; gen <= GC.MaxGeneration; gen++)
        {
            output.Append("dotnet_gc_collections_total{generation=\"").Append(gen).Append("\"} ")
                .Append(GC.CollectionCount(gen).ToString(CultureInfo.InvariantCulture)).Append('\n');
        }
    }

    private static void Write(StringBuilder output, string name, string help, string type, long value) =>
        output.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n')
            .Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n')
            .Append(name).Append(' ').Append(value.ToString(CultureInfo.InvariantCulture)).Append('\n');
}

using System.Diagnostics;

namespace OrleansSse.LoadGen;

/// <summary>Counters and histograms shared by every connection and publisher of one run.</summary>
internal sealed class LoadStats
{
    private long _delivered;
    private long _published;
    private long _publishErrors;
    private long _issuedDeliveries;

    public LatencyHistogram Latency { get; } = new();
    public LatencyHistogram Connect { get; } = new();
    public LatencyHistogram PublishRoundTrip { get; } = new();

    public long Delivered => Interlocked.Read(ref _delivered);
    public long Published => Interlocked.Read(ref _published);
    public long PublishErrors => Interlocked.Read(ref _publishErrors);

    /// <summary>Deliveries the publishers have asked for so far (for the flat-out window).</summary>
    public long IssuedDeliveries => Interlocked.Read(ref _issuedDeliveries);

    public void RecordDelivery(long publishTimestamp, long now)
    {
        Latency.Record(ElapsedMicros(publishTimestamp, now));
        Interlocked.Increment(ref _delivered);
    }

    public void Issue(long deliveries) => Interlocked.Add(ref _issuedDeliveries, deliveries);

    public void RecordPublish(bool ok, long started)
    {
        Interlocked.Increment(ref ok ? ref _published : ref _publishErrors);
        PublishRoundTrip.Record(ElapsedMicros(started, Stopwatch.GetTimestamp()));
    }

    public static long ElapsedMicros(long from, long to) =>
        (long)((to - from) * (1_000_000.0 / Stopwatch.Frequency));
}

namespace OrleansSse.LoadGen;

/// <summary>
/// A thread-safe log-linear histogram of microseconds: exact below 1,024 µs, then 512 buckets
/// per doubling (relative error under 0.2 %). Values above ~2^40 µs land in the last bucket.
/// </summary>
internal sealed class LatencyHistogram
{
    private const int Linear = 1024;
    private const int SubBuckets = 512;
    private const int Doublings = 31;
    private readonly long[] _counts = new long[Linear + (Doublings * SubBuckets)];
    private long _count;
    private long _max;

    public long Count => Interlocked.Read(ref _count);

    public long MaxMicros => Interlocked.Read(ref _max);

    public void Record(long micros)
    {
        if (micros < 0)
        {
            micros = 0;
        }
        Interlocked.Increment(ref _counts[IndexOf(micros)]);
        Interlocked.Increment(ref _count);
        long max;
        while (micros > (max = Interlocked.Read(ref _max)) && Interlocked.CompareExchange(ref _max, micros, max) != max)
        {
        }
    }

    /// <summary>The value (µs, bucket lower bound) at quantile <paramref name="q"/> in [0, 1].</summary>
    public double Quantile(double q)
    {
        var total = Count;
        if (total == 0)
        {
            return 0;
        }
        var rank = Math.Max(1, (long)Math.Ceiling(q * total));
        long seen = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            seen += Interlocked.Read(ref _counts[i]);
            if (seen >= rank)
            {
                return Math.Min(ValueOf(i), MaxMicros);
            }
        }
        return MaxMicros;
    }

    private static int IndexOf(long v)
    {
        if (v < Linear)
        {
            return (int)v;
        }
        var exponent = 63 - (int)long.LeadingZeroCount(v);
        var doubling = Math.Min(exponent - 10, Doublings - 1);
        var sub = (int)((v >> (exponent - 9)) & (SubBuckets - 1));
        return Linear + (doubling * SubBuckets) + sub;
    }

    private static long ValueOf(int index)
    {
        if (index < Linear)
        {
            return index;
        }
        var doubling = (index - Linear) / SubBuckets;
        var sub = (index - Linear) % SubBuckets;
        return (long)(SubBuckets + sub) << (doubling + 1);
    }
}

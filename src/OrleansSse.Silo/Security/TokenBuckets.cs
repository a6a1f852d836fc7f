namespace OrleansSse.Silo.Security;

/// <summary>
/// A token bucket per key, refilled by the <see cref="TimeProvider"/>'s clock: each key holds at
/// most <c>capacity</c> tokens and gains <c>perSecond</c> a second (in fractions, computed when the
/// key is next used: no timer). A key not seen yet has a full bucket; full buckets are forgotten
/// once every <see cref="SweepInterval"/>, so an idle key costs nothing. Thread-safe (one lock).
/// Used instead of <c>System.Threading.RateLimiting</c>, whose buckets refill on a timer of their
/// own that no <see cref="TimeProvider"/> drives.
/// </summary>
internal sealed class TokenBuckets
{
    /// <summary>How often buckets that are full again are dropped.</summary>
    public static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(10);

    private readonly Dictionary<string, Bucket> _buckets = new(StringComparer.Ordinal);
    private readonly int _capacity;
    private readonly double _perSecond;
    private readonly TimeProvider _time;
    private long _lastSweep;

    public TokenBuckets(int capacity, double perSecond, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(perSecond);
        _capacity = capacity;
        _perSecond = perSecond;
        _time = time;
        _lastSweep = time.GetTimestamp();
    }

    /// <summary>Whole tokens <paramref name="key"/> has now.</summary>
    public int Available(string key)
    {
        lock (_buckets)
        {
            return _buckets.TryGetValue(key, out var bucket) ? (int)Refill(bucket, _time.GetTimestamp()) : _capacity;
        }
    }

    /// <summary>Takes one token of <paramref name="key"/>'s; false (and how long until one is back) when it has none.</summary>
    public bool TryTake(string key, out TimeSpan retryAfter)
    {
        var now = _time.GetTimestamp();
        lock (_buckets)
        {
            SweepIfDue(now);
            if (!_buckets.TryGetValue(key, out var bucket))
            {
                _buckets[key] = bucket = new Bucket { Tokens = _capacity, Stamp = now };
            }

            var tokens = Refill(bucket, now);
            if (tokens >= 1)
            {
                bucket.Tokens = tokens - 1;
                retryAfter = TimeSpan.Zero;
                return true;
            }

            retryAfter = TimeSpan.FromSeconds((1 - tokens) / _perSecond);
            return false;
        }
    }

    // Brings the bucket to now and returns its tokens (fractional).
    private double Refill(Bucket bucket, long now)
    {
        var elapsed = _time.GetElapsedTime(bucket.Stamp, now);
        if (elapsed > TimeSpan.Zero)
        {
            bucket.Tokens = Math.Min(_capacity, bucket.Tokens + (elapsed.TotalSeconds * _perSecond));
            bucket.Stamp = now;
        }

        return bucket.Tokens;
    }

    private void SweepIfDue(long now)
    {
        if (_time.GetElapsedTime(_lastSweep, now) < SweepInterval)
        {
            return;
        }

        _lastSweep = now;
        foreach (var (key, bucket) in _buckets)
        {
            if (Refill(bucket, now) >= _capacity)
            {
                _buckets.Remove(key);
            }
        }
    }

    private sealed class Bucket
    {
        public double Tokens { get; set; }

        public long Stamp { get; set; }
    }
}

using System.Threading.RateLimiting;

namespace OrleansSse.Silo.Security;

/// <summary>
/// Slows down guessing of publisher keys: each remote address (an IPv6 one by its /64) may present
/// <see cref="Burst"/> wrong keys at once, then <see cref="PerSecond"/> a second; past that its
/// calls with a wrong key get 429 instead of 403, and the silo logs a warning (at most one every
/// <see cref="WarningInterval"/>, so an attack cannot flood the log). Local to this silo.
/// </summary>
internal sealed class PublisherKeyGuard(TimeProvider time, ILogger<PublisherKeyGuard> logger) : IDisposable
{
    public const int Burst = 100;
    public const int PerSecond = 10;
    public static readonly TimeSpan WarningInterval = TimeSpan.FromSeconds(10);

    private readonly PartitionedRateLimiter<string> _failures = PartitionedRateLimiter.Create<string, string>(
        remote => RateLimitPartition.GetTokenBucketLimiter(remote, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = Burst,
            TokensPerPeriod = PerSecond,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        }));

    private long _lastWarning = long.MinValue;
    private long _throttledSinceWarning;

    /// <summary>Counts a wrong key from <paramref name="remote"/>; returns 0 while it is within the allowance, else the seconds to wait (at least 1).</summary>
    public int RecordWrongKey(string remote)
    {
        using var lease = _failures.AttemptAcquire(remote);
        if (lease.IsAcquired)
        {
            return 0;
        }

        var throttled = Interlocked.Increment(ref _throttledSinceWarning);
        var now = time.GetTimestamp();
        var last = Interlocked.Read(ref _lastWarning);
        if ((last == long.MinValue || time.GetElapsedTime(last, now) >= WarningInterval)
            && Interlocked.CompareExchange(ref _lastWarning, now, last) == last)
        {
            Interlocked.Exchange(ref _throttledSinceWarning, 0);
            SecurityLog.PublisherKeyGuessing(logger, remote, throttled);
        }

        return lease.TryGetMetadata(MetadataName.RetryAfter, out var wait)
            ? Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds))
            : 1;
    }

    public void Dispose() => _failures.Dispose();
}

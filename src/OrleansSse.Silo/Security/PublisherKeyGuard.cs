using System.Threading.RateLimiting;

namespace OrleansSse.Silo.Security;

/// <summary>
/// Slows down guessing of publisher keys: each remote address (an IPv6 one by its /64) may present
/// <see cref="Burst"/> wrong keys at once, then <see cref="PerSecond"/> a second. An address past
/// that is blocked until its allowance refills: its calls get 429 whatever key they carry (so a
/// right guess cannot be told from a wrong one), and the silo logs a warning (at most one every
/// <see cref="WarningInterval"/>, so an attack cannot flood the log). Local to this silo. Limit: a
/// publisher sharing its address with a guesser is blocked with it.
/// </summary>
internal sealed class PublisherKeyGuard(TimeProvider time, ILogger<PublisherKeyGuard> logger) : IDisposable
{
    public const int Burst = 100;
    public const int PerSecond = 10;

    /// <summary>The <c>Retry-After</c> of a blocked call: when one more wrong key would be allowed.</summary>
    public const int BlockSeconds = 1;

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
    private long _blockedSinceWarning;

    /// <summary>Whether <paramref name="remote"/> has used up its wrong keys (its calls are refused unchecked).</summary>
    public bool IsBlocked(string remote)
    {
        if (_failures.GetStatistics(remote) is not { CurrentAvailablePermits: <= 0 })
        {
            return false;
        }

        Blocked(remote);
        return true;
    }

    /// <summary>Counts a wrong key from <paramref name="remote"/>; false when it was one too many (the address is blocked now).</summary>
    public bool RecordWrongKey(string remote)
    {
        using var lease = _failures.AttemptAcquire(remote);
        if (lease.IsAcquired)
        {
            return true;
        }

        Blocked(remote);
        return false;
    }

    public void Dispose() => _failures.Dispose();

    private void Blocked(string remote)
    {
        var blocked = Interlocked.Increment(ref _blockedSinceWarning);
        var now = time.GetTimestamp();
        var last = Interlocked.Read(ref _lastWarning);
        if ((last == long.MinValue || time.GetElapsedTime(last, now) >= WarningInterval)
            && Interlocked.CompareExchange(ref _lastWarning, now, last) == last)
        {
            Interlocked.Exchange(ref _blockedSinceWarning, 0);
            SecurityLog.PublisherKeyGuessing(logger, remote, blocked);
        }
    }
}

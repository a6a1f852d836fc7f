using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using OrleansSse.Silo.Options;

namespace OrleansSse.Silo.Security;

/// <summary>
/// A token bucket per publisher (publisher key, or remote IP in open mode): at most
/// <see cref="LimitOptions.PublishEventsPerSecond"/> calls per second with bursts of
/// <see cref="LimitOptions.PublishBurst"/>. Local to this silo: a cluster of N silos behind a
/// balancer lets a publisher through up to N times the rate.
/// </summary>
internal sealed class PublishRateLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<string>? _limiter;

    public PublishRateLimiter(IOptions<LimitOptions> options)
    {
        var limits = options.Value;
        if (limits.PublishEventsPerSecond <= 0)
        {
            return;
        }

        var bucket = new TokenBucketRateLimiterOptions
        {
            TokenLimit = limits.PublishBurst, // at least 1: checked at start
            TokensPerPeriod = limits.PublishEventsPerSecond,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        };
        _limiter = PartitionedRateLimiter.Create<string, string>(
            publisher => RateLimitPartition.GetTokenBucketLimiter(publisher, _ => bucket));
    }

    /// <summary>Takes one token; returns 0 when allowed, otherwise the seconds to wait (at least 1).</summary>
    public int TryAcquire(string publisher)
    {
        if (_limiter is null)
        {
            return 0;
        }

        using var lease = _limiter.AttemptAcquire(publisher);
        if (lease.IsAcquired)
        {
            return 0;
        }

        return lease.TryGetMetadata(MetadataName.RetryAfter, out var wait)
            ? Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds))
            : 1;
    }

    public void Dispose() => _limiter?.Dispose();
}

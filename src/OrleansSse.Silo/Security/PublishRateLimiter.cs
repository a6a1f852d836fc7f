using Microsoft.Extensions.Options;
using OrleansSse.Silo.Options;

namespace OrleansSse.Silo.Security;

/// <summary>
/// A token bucket per publisher (publisher key, or remote IP in open mode): at most
/// <see cref="LimitOptions.PublishEventsPerSecond"/> calls per second with bursts of
/// <see cref="LimitOptions.PublishBurst"/> (a burst below the rate caps the rate to it), refilled
/// by the silo's <see cref="TimeProvider"/>. Local to this silo: a cluster of N silos behind a
/// balancer lets a publisher through up to N times the rate.
/// </summary>
internal sealed class PublishRateLimiter
{
    private readonly TokenBuckets? _buckets;

    public PublishRateLimiter(IOptions<LimitOptions> options, TimeProvider time)
    {
        var limits = options.Value;
        if (limits.PublishEventsPerSecond <= 0)
        {
            return;
        }

        // PublishBurst is at least 1: checked at start.
        _buckets = new TokenBuckets(limits.PublishBurst, Math.Min(limits.PublishEventsPerSecond, limits.PublishBurst), time);
    }

    /// <summary>Takes one token; returns 0 when allowed, otherwise the seconds to wait (at least 1).</summary>
    public int TryAcquire(string publisher)
    {
        if (_buckets is null || _buckets.TryTake(publisher, out var wait))
        {
            return 0;
        }

        return Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
    }
}

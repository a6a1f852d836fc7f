namespace OrleansSse.Silo.Security;

/// <summary>
/// Slows down guessing of publisher keys: each remote address (an IPv6 one by its /64) may present
/// <see cref="Burst"/> wrong keys at once, then <see cref="PerSecond"/> a second (refilled by the
/// silo's <see cref="TimeProvider"/>). An address past that is blocked until its allowance refills:
/// its calls get 429 whatever key they carry (so a right guess cannot be told from a wrong one),
/// and the silo logs a warning (at most one every <see cref="WarningInterval"/>, so an attack
/// cannot flood the log). Local to this silo. Limit: a publisher sharing its address with a
/// guesser is blocked with it.
/// </summary>
internal sealed class PublisherKeyGuard(TimeProvider time, ILogger<PublisherKeyGuard> logger)
{
    public const int Burst = 100;
    public const int PerSecond = 10;

    /// <summary>The <c>Retry-After</c> of a blocked call: when one more wrong key would be allowed.</summary>
    public const int BlockSeconds = 1;

    public static readonly TimeSpan WarningInterval = TimeSpan.FromSeconds(10);

    private readonly TokenBuckets _failures = new(Burst, PerSecond, time);

    // Keys being checked per address: each holds one of its remaining wrong keys until its check
    // ends, so parallel calls cannot all be checked on the last one.
    private readonly Dictionary<string, int> _checking = new(StringComparer.Ordinal);
    private long _lastWarning = long.MinValue;
    private long _blockedSinceWarning;

    /// <summary>
    /// Reserves one wrong key of <paramref name="remote"/>'s allowance for checking a key; false when
    /// none is left (blocked: the key must not be checked). Pair with <see cref="EndCheck"/>.
    /// </summary>
    public bool TryBeginCheck(string remote)
    {
        lock (_checking)
        {
            var checking = _checking.GetValueOrDefault(remote);
            var available = _failures.Available(remote);
            if (available - checking > 0)
            {
                _checking[remote] = checking + 1;
                return true;
            }
        }

        Blocked(remote);
        return false;
    }

    /// <summary>
    /// Ends a check begun with <see cref="TryBeginCheck"/>: a wrong key takes one of the allowance.
    /// False when there was none left for it (blocked now).
    /// </summary>
    public bool EndCheck(string remote, bool wrong)
    {
        var allowed = true;
        if (wrong)
        {
            allowed = _failures.TryTake(remote, out _);
        }

        lock (_checking)
        {
            var checking = _checking[remote] - 1;
            if (checking == 0)
            {
                _checking.Remove(remote);
            }
            else
            {
                _checking[remote] = checking;
            }
        }

        if (!allowed)
        {
            Blocked(remote);
        }

        return allowed;
    }

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

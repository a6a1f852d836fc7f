namespace OrleansSse.Backplane;

/// <summary>
/// The first position taken in each time bucket, so a backplane can tell how old a cursor is
/// (<see cref="ForgottenBefore"/>) without keeping anything per event. The Redis backplane keeps
/// the same in a hash (publish.lua, history.lua). Not thread-safe: the owner locks.
/// </summary>
internal sealed class PositionCheckpoints(TimeSpan horizon)
{
    private readonly long _bucket = BucketFor(horizon).Ticks;
    private readonly LinkedList<(long Start, long Position)> _buckets = new();
    private long _last;

    /// <summary>Buckets held (for tests and diagnostics).</summary>
    public int Count => _buckets.Count;

    /// <summary>A sixteenth of the horizon, between a second and an hour: how precisely a cursor's age is known.</summary>
    public static TimeSpan BucketFor(TimeSpan horizon) =>
        TimeSpan.FromTicks(Math.Clamp(horizon.Ticks / 16, TimeSpan.TicksPerSecond, TimeSpan.TicksPerHour));

    /// <summary>Notes that <paramref name="position"/> was published at <paramref name="now"/>; forgets buckets the horizon no longer needs.</summary>
    public void Record(DateTimeOffset now, long position)
    {
        _last = position;
        var start = now.UtcTicks - (now.UtcTicks % _bucket);
        if (_buckets.Last is { } last && last.Value.Start >= start)
        {
            return;
        }

        _buckets.AddLast((start, position));

        // Keep two buckets wholly before the horizon (they prove the record reaches back past it,
        // even for a reader whose clock is a little behind); drop the older ones.
        var horizonTicks = now.UtcTicks - horizon.Ticks;
        while (_buckets.First?.Next?.Next is { } third && third.Value.Start + _bucket <= horizonTicks)
        {
            _buckets.RemoveFirst();
        }
    }

    /// <summary>
    /// The first position recorded after <paramref name="now"/> minus the horizon (the last one recorded
    /// when none was since: a cursor at it missed nothing): every cursor before it is older than the
    /// horizon. 0 when the record does not reach back that far (this backplane is younger than the
    /// horizon, so no cursor is older).
    /// </summary>
    public long ForgottenBefore(DateTimeOffset now)
    {
        var horizonTicks = now.UtcTicks - horizon.Ticks;
        var reachesBack = false;
        foreach (var (start, position) in _buckets)
        {
            if (start + _bucket <= horizonTicks)
            {
                reachesBack = true;
            }
            else if (start > horizonTicks)
            {
                return reachesBack ? position : 0;
            }
        }

        return reachesBack ? _last : 0;
    }
}

namespace OrleansSse.Backplane;

/// <summary>
/// The streams of <see cref="InMemoryBackplane"/>, with the expiry the Redis backplane gets from
/// <c>PEXPIRE</c>: a stream whose newest event is older than the maximum age holds nothing a
/// resume could replay, so it is dropped as a whole, and only its trimmed-through position is kept
/// (<see cref="MarkerLifetime"/>) so that an older cursor still resumes with
/// <c>"recovered": false</c>. Without it, every client id that ever received an event would keep
/// its stream for the life of the process. Once a marker is dropped too, every cursor older than
/// what it marked resumes not recovered (<see cref="ForgottenThrough"/>): the loss it recorded can
/// no longer be told apart from a target that never had events. Not thread-safe: the owner locks.
/// </summary>
/// <remarks>
/// Together the streams hold at most <see cref="RetentionOptions.MaxRetainedBytes"/> (as
/// <see cref="InMemoryStream.SizeOf"/> counts): past it the least recently appended streams are
/// dropped as if expired (markers kept), and if the newest alone is still too big, its oldest events.
/// Streams are kept in least-recently-appended order and markers in the order they were made, so
/// <see cref="Sweep"/> looks only at what is due: constant work per call, plus what it drops.
/// </remarks>
internal sealed class InMemoryStreams(RetentionOptions retention)
{
    /// <summary>How long the trimmed-through position of a dropped stream is kept (the Redis backplane's default).</summary>
    public static readonly TimeSpan MarkerLifetime = TimeSpan.FromDays(1);

    private readonly Dictionary<SseTarget, InMemoryStream> _streams = [];
    private readonly LinkedList<InMemoryStream> _byLastAppend = new();
    private readonly Dictionary<SseTarget, long> _markers = [];
    private readonly Queue<(SseTarget Target, long TrimmedThrough, DateTimeOffset At)> _markerOrder = new();

    /// <summary>Streams held (for tests and diagnostics).</summary>
    public int Count => _streams.Count;

    /// <summary>Trimmed-through markers of dropped streams held (for tests and diagnostics).</summary>
    public int MarkerCount => _markers.Count;

    /// <summary>What the held streams take, as <see cref="InMemoryStream.SizeOf"/> counts it.</summary>
    public long Bytes { get; private set; }

    /// <summary>The highest position a dropped marker recorded: no cursor before it is recovered.</summary>
    public long ForgottenThrough { get; private set; }

    /// <summary>Appends to <paramref name="message"/>'s target's stream, creating it (after an expired one: with its marker) when needed.</summary>
    public void Append(BackplaneMessage message, DateTimeOffset now)
    {
        var target = message.Target;
        if (_streams.TryGetValue(target, out var stream))
        {
            _byLastAppend.Remove(stream.Node);
        }
        else
        {
            stream = new InMemoryStream(target, _markers.Remove(target, out var trimmed) ? trimmed : 0);
            _streams[target] = stream;
        }

        _byLastAppend.AddLast(stream.Node);
        var before = stream.Bytes;
        stream.Append(message, now, retention);
        Bytes += stream.Bytes - before;
        if (Bytes > retention.MaxRetainedBytes)
        {
            Shed(stream, now);
        }
    }

    /// <summary>
    /// The retained events of <paramref name="target"/> after <paramref name="from"/>, into
    /// <paramref name="into"/>; false when some event after <paramref name="from"/> is no longer held,
    /// or may have been (<paramref name="from"/> is before <see cref="ForgottenThrough"/>).
    /// </summary>
    public bool CopyAfter(SseTarget target, long from, DateTimeOffset now, List<BackplaneMessage> into)
    {
        var known = from >= ForgottenThrough;
        if (_streams.TryGetValue(target, out var stream))
        {
            var before = stream.Bytes;
            stream.Trim(now, retention);
            Bytes += stream.Bytes - before;
            stream.CopyAfter(from, into);
            return known && stream.TrimmedThrough <= from;
        }

        return known && (!_markers.TryGetValue(target, out var trimmed) || trimmed <= from);
    }

    /// <summary>Drops the streams whose newest event is older than the maximum age, and the markers older than <see cref="MarkerLifetime"/>.</summary>
    public void Sweep(DateTimeOffset now)
    {
        var oldest = now - retention.MaxAge;
        while (_byLastAppend.First is { } first && first.Value.LastAppendAt < oldest)
        {
            Drop(first.Value, now);
        }

        var oldestMarker = now - MarkerLifetime;
        while (_markerOrder.TryPeek(out var marker) && marker.At < oldestMarker)
        {
            _markerOrder.Dequeue();

            // A marker replaced since (the stream came back and expired again) is not this one.
            if (_markers.TryGetValue(marker.Target, out var trimmed) && trimmed == marker.TrimmedThrough)
            {
                _markers.Remove(marker.Target);
                ForgottenThrough = Math.Max(ForgottenThrough, trimmed);
            }
        }
    }

    // Over the byte budget: the least recently appended streams go first, then the oldest events of
    // the one just appended to.
    private void Shed(InMemoryStream appended, DateTimeOffset now)
    {
        while (Bytes > retention.MaxRetainedBytes && _byLastAppend.First is { } first && first.Value != appended)
        {
            Drop(first.Value, now);
        }

        if (Bytes > retention.MaxRetainedBytes)
        {
            var before = appended.Bytes;
            appended.TrimTo(appended.Bytes - (Bytes - retention.MaxRetainedBytes));
            Bytes += appended.Bytes - before;
        }
    }

    // Drops a stream as a whole, keeping what it was trimmed through (its newest position).
    private void Drop(InMemoryStream stream, DateTimeOffset now)
    {
        _byLastAppend.Remove(stream.Node);
        _streams.Remove(stream.Target);
        Bytes -= stream.Bytes;
        _markers[stream.Target] = stream.LastPosition;
        _markerOrder.Enqueue((stream.Target, stream.LastPosition, now));
    }
}

namespace OrleansSse.Backplane;

/// <summary>One target's bounded history inside <see cref="InMemoryBackplane"/>. Not thread-safe: the owner locks.</summary>
internal sealed class InMemoryStream
{
    private readonly Queue<(BackplaneMessage Message, DateTimeOffset At)> _entries = new();

    /// <summary>Creates the stream of <paramref name="target"/>; <paramref name="trimmedThrough"/> carries what an earlier, expired stream of it lost.</summary>
    public InMemoryStream(SseTarget target, long trimmedThrough)
    {
        Target = target;
        TrimmedThrough = trimmedThrough;
        Node = new LinkedListNode<InMemoryStream>(this);
    }

    /// <summary>Whose stream this is.</summary>
    public SseTarget Target { get; }

    /// <summary>This stream's place in its owner's least-recently-appended order.</summary>
    public LinkedListNode<InMemoryStream> Node { get; }

    /// <summary>The highest position ever trimmed away (0 when nothing was).</summary>
    public long TrimmedThrough { get; private set; }

    /// <summary>When the newest event was appended.</summary>
    public DateTimeOffset LastAppendAt { get; private set; }

    /// <summary>The newest event's position (0 before the first).</summary>
    public long LastPosition { get; private set; }

    /// <summary>What the held events take, as <see cref="SizeOf"/> counts it.</summary>
    public long Bytes { get; private set; }

    /// <summary>
    /// About what one held event takes in memory: its name and data (UTF-16) and a fixed allowance
    /// for the message, its strings' headers and its queue slot.
    /// </summary>
    public static long SizeOf(BackplaneMessage message) =>
        128 + (2L * (message.Name.Length + message.Data.Length + (message.CoalesceKey?.Length ?? 0)));

    public void Append(BackplaneMessage message, DateTimeOffset now, RetentionOptions retention)
    {
        _entries.Enqueue((message, now));
        Bytes += SizeOf(message);
        LastAppendAt = now;
        LastPosition = message.Position;
        Trim(now, retention);
    }

    public void Trim(DateTimeOffset now, RetentionOptions retention)
    {
        var oldest = now - retention.MaxAge;
        while (_entries.Count > 0 &&
               (_entries.Count > retention.MaxEventsPerStream || _entries.Peek().At < oldest))
        {
            DequeueOldest();
        }
    }

    /// <summary>Drops the oldest events until at most <paramref name="bytes"/> are held (the newest one stays).</summary>
    public void TrimTo(long bytes)
    {
        while (_entries.Count > 1 && Bytes > bytes)
        {
            DequeueOldest();
        }
    }

    private void DequeueOldest()
    {
        var message = _entries.Dequeue().Message;
        Bytes -= SizeOf(message);
        TrimmedThrough = message.Position;
    }

    public void CopyAfter(long position, List<BackplaneMessage> into)
    {
        foreach (var (message, _) in _entries)
        {
            if (message.Position > position)
            {
                into.Add(message);
            }
        }
    }
}

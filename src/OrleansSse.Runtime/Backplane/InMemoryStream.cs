namespace OrleansSse.Backplane;

/// <summary>One target's bounded history inside <see cref="InMemoryBackplane"/>. Not thread-safe: the owner locks.</summary>
internal sealed class InMemoryStream
{
    private readonly Queue<(BackplaneMessage Message, DateTimeOffset At)> _entries = new();

    /// <summary>The highest position ever trimmed away (0 when nothing was).</summary>
    public long TrimmedThrough { get; private set; }

    public void Append(BackplaneMessage message, DateTimeOffset now, RetentionOptions retention)
    {
        _entries.Enqueue((message, now));
        Trim(now, retention);
    }

    public void Trim(DateTimeOffset now, RetentionOptions retention)
    {
        var oldest = now - retention.MaxAge;
        while (_entries.Count > 0 &&
               (_entries.Count > retention.MaxEventsPerStream || _entries.Peek().At < oldest))
        {
            TrimmedThrough = _entries.Dequeue().Message.Position;
        }
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

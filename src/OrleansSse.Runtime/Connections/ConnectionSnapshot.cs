namespace OrleansSse.Connections;

/// <summary>
/// What <see cref="ConnectionList.Snapshot"/> returns: one connection, or a prefix of an array
/// that may contain null entries (removed connections). Enumerates without allocating.
/// </summary>
internal readonly struct ConnectionSnapshot
{
    private readonly SseConnection? _single;
    private readonly SseConnection?[]? _items;
    private readonly int _length;

    public ConnectionSnapshot(SseConnection single) => _single = single;

    public ConnectionSnapshot(SseConnection?[] items, int length)
    {
        _items = items;
        _length = length;
    }

    /// <summary>Whether there is nothing to enumerate.</summary>
    public bool IsEmpty => _single is null && _length == 0;

    public Enumerator GetEnumerator() => new(this);

    /// <summary>Enumerates the snapshot; entries may be null.</summary>
    public struct Enumerator(ConnectionSnapshot snapshot)
    {
        private int _index = -1;

        public readonly SseConnection? Current => snapshot._single ?? snapshot._items![_index];

        public bool MoveNext() => snapshot._single is not null
            ? ++_index == 0
            : ++_index < snapshot._length;
    }
}

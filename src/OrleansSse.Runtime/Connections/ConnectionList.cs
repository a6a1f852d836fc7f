namespace OrleansSse.Connections;

/// <summary>
/// The connections following one target. Fan-out reads a snapshot without a lock; writers (under
/// the registry's lock) append in place and remove by leaving a hole, so adding the n-th
/// connection costs O(1) amortised instead of copying n references. Holes are compacted into a
/// new array once they are half of it. A reader may see a connection removed after its snapshot
/// was taken (as with any snapshot); it never misses one that was present throughout.
/// A single connection (the usual case for a client's own target) is held directly, with no array.
/// </summary>
internal sealed class ConnectionList
{
    private object? _state; // null, the one SseConnection, or a View of two or more
    private int _holes;

    /// <summary>Connections in the list (writers only).</summary>
    public int Count => _state switch
    {
        SseConnection => 1,
        View view => view.Length - _holes,
        _ => 0,
    };

    /// <summary>A consistent view for fan-out; skip the null entries (removed connections).</summary>
    public ConnectionSnapshot Snapshot() => Volatile.Read(ref _state) switch
    {
        SseConnection single => new ConnectionSnapshot(single),
        View view => new ConnectionSnapshot(view.Items, view.Length),
        _ => default,
    };

    public void Add(SseConnection connection)
    {
        switch (_state)
        {
            case null:
                Volatile.Write(ref _state, connection);
                return;
            case SseConnection single:
                Volatile.Write(ref _state, new View([single, connection, null, null], 2));
                return;
        }

        var view = (View)_state;
        var items = view.Items;
        if (view.Length == items.Length)
        {
            var grown = new SseConnection?[items.Length * 2];
            Array.Copy(items, grown, view.Length);
            items = grown;
        }

        // Written before the view that covers it is published: readers never see an unset slot.
        items[view.Length] = connection;
        Volatile.Write(ref _state, new View(items, view.Length + 1));
    }

    public bool Remove(SseConnection connection)
    {
        if (_state is SseConnection single)
        {
            if (single != connection)
            {
                return false;
            }

            Volatile.Write(ref _state, null);
            return true;
        }

        if (_state is not View view)
        {
            return false;
        }

        var index = Array.IndexOf(view.Items, connection, 0, view.Length);
        if (index < 0)
        {
            return false;
        }

        Volatile.Write(ref view.Items[index], null);
        if (++_holes * 2 > view.Length)
        {
            Compact(view);
        }

        return true;
    }

    private void Compact(View view)
    {
        var remaining = view.Length - _holes;
        _holes = 0;
        if (remaining <= 1)
        {
            Volatile.Write(ref _state, Array.Find(view.Items, c => c is not null));
            return;
        }

        var live = new SseConnection?[remaining * 2];
        var n = 0;
        foreach (var c in view.Items.AsSpan(0, view.Length))
        {
            if (c is not null)
            {
                live[n++] = c;
            }
        }

        Volatile.Write(ref _state, new View(live, n));
    }

    private sealed record View(SseConnection?[] Items, int Length);
}

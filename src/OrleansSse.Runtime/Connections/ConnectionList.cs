namespace OrleansSse.Connections;

/// <summary>
/// The connections following one target. Fan-out reads a snapshot without a lock; writers (under
/// the registry's lock) append in place and remove by leaving a hole, so adding the n-th
/// connection costs O(1) amortised instead of copying n references. Holes are compacted into a
/// new array once they are half of it. A reader may see a connection removed after its snapshot
/// was taken (as with any snapshot); it never misses one that was present throughout.
/// </summary>
internal sealed class ConnectionList
{
    private View _view = new([], 0);
    private int _holes;

    /// <summary>Connections in the list (writers only).</summary>
    public int Count => _view.Length - _holes;

    /// <summary>A consistent view for fan-out; skip the null entries (removed connections).</summary>
    public ReadOnlySpan<SseConnection?> Snapshot()
    {
        var view = Volatile.Read(ref _view);
        return new ReadOnlySpan<SseConnection?>(view.Items, 0, view.Length);
    }

    public void Add(SseConnection connection)
    {
        var view = _view;
        var items = view.Items;
        if (view.Length == items.Length)
        {
            var grown = new SseConnection?[Math.Max(4, items.Length * 2)];
            Array.Copy(items, grown, view.Length);
            items = grown;
        }

        // Written before the view that covers it is published: readers never see an unset slot.
        items[view.Length] = connection;
        Volatile.Write(ref _view, new View(items, view.Length + 1));
    }

    public bool Remove(SseConnection connection)
    {
        var view = _view;
        var index = Array.IndexOf(view.Items, connection, 0, view.Length);
        if (index < 0)
        {
            return false;
        }

        Volatile.Write(ref view.Items[index], null);
        if (++_holes * 2 > view.Length)
        {
            var live = new SseConnection?[Math.Max(4, (view.Length - _holes) * 2)];
            var n = 0;
            foreach (var c in view.Items.AsSpan(0, view.Length))
            {
                if (c is not null)
                {
                    live[n++] = c;
                }
            }

            _holes = 0;
            Volatile.Write(ref _view, new View(live, n));
        }

        return true;
    }

    private sealed record View(SseConnection?[] Items, int Length);
}

using OrleansSse.Backplane;

namespace OrleansSse.Connections;

/// <summary>
/// Coalescing outside a connection's queue (<see cref="FrameQueue"/> does it inside): what a replay
/// (resume, group join, outage catch-up) sends, and what a held connection keeps parked.
/// </summary>
internal static class Coalescing
{
    /// <summary>
    /// <paramref name="events"/> (in position order) without every keyed event that a later one with
    /// the same key supersedes; unkeyed events all stay, order is kept. Returns the list itself when
    /// no event has a key.
    /// </summary>
    public static IReadOnlyList<BackplaneMessage> NewestPerKey(IReadOnlyList<BackplaneMessage> events)
    {
        HashSet<string>? seen = null;
        var superseded = 0;
        for (var i = events.Count - 1; i >= 0; i--)
        {
            if (events[i].CoalesceKey is { } key && !(seen ??= new HashSet<string>(StringComparer.Ordinal)).Add(key))
            {
                superseded++;
            }
        }

        if (superseded == 0)
        {
            return events;
        }

        seen!.Clear();
        var newest = new BackplaneMessage[events.Count - superseded];
        var n = newest.Length;
        for (var i = events.Count - 1; i >= 0; i--)
        {
            if (events[i].CoalesceKey is not { } key || seen.Add(key))
            {
                newest[--n] = events[i];
            }
        }

        return newest;
    }

    /// <summary>
    /// Removes from <paramref name="frames"/> (any order) every keyed frame that one with the same
    /// key and a higher position supersedes. Returns how many were removed.
    /// </summary>
    public static int RemoveSuperseded(List<Frame> frames)
    {
        var newest = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var frame in frames)
        {
            if (frame.CoalesceKey is { } key && (!newest.TryGetValue(key, out var position) || frame.Position > position))
            {
                newest[key] = frame.Position;
            }
        }

        return newest.Count == 0 ? 0 : frames.RemoveAll(f => f.CoalesceKey is { } key && f.Position < newest[key]);
    }
}

using OrleansSse.Backplane;

namespace OrleansSse.Connections;

/// <summary>What a replay (resume, group join, outage catch-up) sends: the newest event per coalesce key.</summary>
internal static class ReplayCoalescing
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
}

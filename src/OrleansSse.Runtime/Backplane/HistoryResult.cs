using System.Text;

namespace OrleansSse.Backplane;

/// <summary>The retained events after a cursor, merged across targets.</summary>
/// <param name="Recovered">
/// True when nothing after the cursor was lost: same epoch, a position the backplane has reached,
/// no target trimmed any event after it, and no more than <see cref="RetentionOptions.MaxReplayEvents"/>
/// events and <see cref="RetentionOptions.MaxReplayBytes"/> follow it. False otherwise; the events
/// are then the newest of what is still retained (none when the epoch differs).
/// </param>
/// <param name="Events">Events (<see cref="MessageKind.Event"/> only), strictly after the cursor, in position order, no duplicates.</param>
public sealed record HistoryResult(bool Recovered, IReadOnlyList<BackplaneMessage> Events)
{
    /// <summary>
    /// The result for <paramref name="events"/> (in position order, no duplicates) that keeps only
    /// the newest within <see cref="RetentionOptions.MaxReplayEvents"/> and
    /// <see cref="RetentionOptions.MaxReplayBytes"/> (UTF-8 of names and data); not recovered when
    /// any had to go. Removes the others from <paramref name="events"/>.
    /// </summary>
    public static HistoryResult WithinReplayBounds(bool recovered, List<BackplaneMessage> events, RetentionOptions retention)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(retention);
        var keep = 0;
        var bytes = 0L;
        for (var i = events.Count - 1; i >= 0 && keep < retention.MaxReplayEvents; i--)
        {
            bytes += Encoding.UTF8.GetByteCount(events[i].Name) + Encoding.UTF8.GetByteCount(events[i].Data);
            if (bytes > retention.MaxReplayBytes)
            {
                break;
            }

            keep++;
        }

        if (keep < events.Count)
        {
            events.RemoveRange(0, events.Count - keep);
            recovered = false;
        }

        return new HistoryResult(recovered, events);
    }
}

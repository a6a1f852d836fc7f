namespace OrleansSse.Backplane;

/// <summary>The retained events after a cursor, merged across targets.</summary>
/// <param name="Recovered">
/// True when nothing after the cursor was lost: same epoch, a position the backplane has reached,
/// no target trimmed any event after it, and no more than <see cref="RetentionOptions.MaxReplayEvents"/>
/// events follow it. False otherwise; the events are then the newest of what is still retained
/// (none when the epoch differs).
/// </param>
/// <param name="Events">Events (<see cref="MessageKind.Event"/> only), strictly after the cursor, in position order, no duplicates.</param>
public sealed record HistoryResult(bool Recovered, IReadOnlyList<BackplaneMessage> Events);

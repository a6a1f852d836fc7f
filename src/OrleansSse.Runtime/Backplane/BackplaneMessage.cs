namespace OrleansSse.Backplane;

/// <summary>
/// What a backplane subscription delivers. Events and control messages (group joined / left,
/// disconnect) share one position sequence, so a silo can catch up on a new group from exactly
/// the position at which the client joined it.
/// </summary>
/// <param name="Target">The target it was published to.</param>
/// <param name="Kind">Event or control.</param>
/// <param name="Position">Its place in the ordering domain's one monotonic sequence.</param>
/// <param name="Epoch">The epoch the position belongs to.</param>
/// <param name="Name">Event name, or the group name for group control messages.</param>
/// <param name="Data">Event data; empty for control messages.</param>
/// <param name="CoalesceKey">The event's coalesce key (<see cref="SseEvent.CoalesceKey"/>); null for none and for control messages.</param>
public sealed record BackplaneMessage(
    SseTarget Target, MessageKind Kind, long Position, string Epoch, string Name, string Data, string? CoalesceKey = null)
{
    /// <summary>The position as an SSE id.</summary>
    public EventCursor Cursor => new(Epoch, Position);
}

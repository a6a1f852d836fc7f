namespace OrleansSse.Backplane;

/// <summary>What the backplane returns for a publish.</summary>
/// <param name="Cursor">The event's position.</param>
/// <param name="Subscribers">How many silos followed the target when it was published.</param>
public sealed record PublishReceipt(EventCursor Cursor, long Subscribers);

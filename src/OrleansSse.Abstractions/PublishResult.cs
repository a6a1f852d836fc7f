namespace OrleansSse;

/// <summary>What a publish returns.</summary>
/// <param name="Id">The event's id (<see cref="EventCursor"/> text), as connections will see it.</param>
/// <param name="Online">Whether some silo held a connection following the target when it was published.</param>
public sealed record PublishResult(string Id, bool Online);

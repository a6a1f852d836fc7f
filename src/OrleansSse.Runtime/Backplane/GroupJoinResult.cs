namespace OrleansSse.Backplane;

/// <summary>What <see cref="ISseBackplane.AddToGroupsWithinLimitAsync"/> did.</summary>
/// <param name="Joined">False when the limit refused the join: nothing changed.</param>
/// <param name="Groups">How many groups the client belongs to now, or would have belonged to when refused.</param>
public readonly record struct GroupJoinResult(bool Joined, int Groups);

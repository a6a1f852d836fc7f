namespace OrleansSse.Backplane;

/// <summary>One group a client belongs to, and when it joined.</summary>
/// <param name="Group">The group's name.</param>
/// <param name="JoinedAt">
/// The position of the join (its <see cref="MessageKind.GroupJoined"/> message): the group's events
/// after it are the client's. 0 when unknown (a membership stored before join positions were kept):
/// every retained event of the group counts.
/// </param>
public sealed record GroupMembership(string Group, long JoinedAt);

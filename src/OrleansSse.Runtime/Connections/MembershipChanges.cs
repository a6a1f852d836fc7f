namespace OrleansSse.Connections;

/// <summary>
/// The joins and leaves that reached one connection while it was reading its client's group
/// memberships (the last one per group wins: they arrive in position order). A leave announced
/// after the read but before its group was followed found nothing to unfollow; the reader applies
/// it once its follows are done. Not thread-safe: the registry locks.
/// </summary>
internal sealed class MembershipChanges
{
    private Dictionary<string, (bool Left, long Position)>? _last;

    /// <summary>How many membership reads of the connection are running (an open and a catch-up may overlap).</summary>
    public int Readers { get; set; }

    public void Record(string group, bool left, long position) =>
        (_last ??= new Dictionary<string, (bool, long)>(StringComparer.Ordinal))[group] = (left, position);

    /// <summary>Whether the last change seen for <paramref name="group"/> was a join.</summary>
    public bool Joined(string group) => _last is not null && _last.TryGetValue(group, out var last) && !last.Left;

    /// <summary>The groups whose last change seen was a leave, with its position.</summary>
    public List<(string Group, long Position)> Leaves() =>
        _last is null ? [] : [.. _last.Where(c => c.Value.Left).Select(c => (c.Key, c.Value.Position))];
}

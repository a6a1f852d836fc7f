namespace OrleansSse.Connections;

/// <summary>
/// The joins and leaves that reached one connection while something of it depended on its
/// memberships: a read of its client's groups (open, catch-up) with the history read that follows
/// it, or a group join's history read. They arrive in position order. A leave announced after a
/// membership read but before its group was followed found nothing to unfollow; the reader applies
/// it once its follows are done. A history read drops what a group published after the client left
/// it. Not thread-safe: the registry locks.
/// </summary>
internal sealed class MembershipChanges
{
    private List<(string Group, bool Left, long Position)>? _changes;

    /// <summary>How many readers of the connection are running (an open, a catch-up and joins may overlap).</summary>
    public int Readers { get; set; }

    public void Record(string group, bool left, long position) => (_changes ??= []).Add((group, left, position));

    /// <summary>Whether the last change seen for <paramref name="group"/> was a join.</summary>
    public bool Joined(string group) => Last(group) is { Left: false };

    /// <summary>The groups whose last change seen was a leave, with its position.</summary>
    public List<(string Group, long Position)> Leaves()
    {
        var leaves = new List<(string Group, long Position)>();
        foreach (var (group, _, _) in _changes ?? [])
        {
            if (Last(group) is { Left: true } last && !leaves.Exists(l => l.Group == group))
            {
                leaves.Add((group, last.Position));
            }
        }

        return leaves;
    }

    /// <summary>The position of the first leave of <paramref name="group"/> seen after <paramref name="position"/>; null if none.</summary>
    public long? FirstLeaveAfter(string group, long position)
    {
        foreach (var change in _changes ?? [])
        {
            if (change.Left && change.Position > position && string.Equals(change.Group, group, StringComparison.Ordinal))
            {
                return change.Position;
            }
        }

        return null;
    }

    private (bool Left, long Position)? Last(string group)
    {
        if (_changes is null)
        {
            return null;
        }

        for (var i = _changes.Count - 1; i >= 0; i--)
        {
            if (string.Equals(_changes[i].Group, group, StringComparison.Ordinal))
            {
                return (_changes[i].Left, _changes[i].Position);
            }
        }

        return null;
    }
}

using OrleansSse.Backplane;

namespace OrleansSse.Connections;

// Which groups a connection follows: its client's memberships as the backplane has them, read on
// open and after an outage, with the joins and leaves that arrive while that read is in flight.
internal sealed partial class ConnectionRegistry
{
    // Makes the connection follow exactly the client's groups as the backplane has them now
    // (joins and leaves announced meanwhile on the client target are applied as they arrive).
    // Returns where each group's history starts for this client: its join position (what a group
    // published before the client joined is not the client's, even when its cursor is older).
    private async Task<Dictionary<SseTarget, long>> FollowGroupsAsync(SseConnection connection, CancellationToken cancellationToken)
    {
        var changes = BeginMembershipRead(connection);
        Dictionary<SseTarget, long> joinedAt;
        List<(string Group, long Position)> leaves;
        try
        {
            var memberships = await _backplane.GetClientMembershipsAsync(connection.ClientId, cancellationToken).ConfigureAwait(false);
            joinedAt = memberships.ToDictionary(m => SseTarget.Group(m.Group), m => m.JoinedAt);
            var wanted = joinedAt.Keys.ToHashSet();
            SseTarget[] stale;
            lock (_gate)
            {
                // A group joined after the read is followed by its join (recorded before it follows).
                stale = [.. connection.Targets.Where(t => t.Kind == TargetKind.Group && !wanted.Contains(t) && !changes.Joined(t.Key))];
            }

            await Task.WhenAll(stale.Select(t => UnfollowAsync(connection, t))).ConfigureAwait(false);
            await Task.WhenAll(wanted.Select(t => FollowAsync(connection, t))).ConfigureAwait(false);
        }
        finally
        {
            leaves = EndMembershipRead(connection, changes);
        }

        // A leave announced after the read (its position is after the join the read saw) but before
        // its group was followed found nothing to unfollow. Later ones find the group followed.
        foreach (var (group, position) in leaves)
        {
            var target = SseTarget.Group(group);
            if (joinedAt.TryGetValue(target, out var joined) && joined < position)
            {
                joinedAt.Remove(target);
                await UnfollowAsync(connection, target).ConfigureAwait(false);
            }
        }

        return joinedAt;
    }

    private MembershipChanges BeginMembershipRead(SseConnection connection)
    {
        lock (_gate)
        {
            if (!_readingMemberships.TryGetValue(connection, out var changes))
            {
                changes = new MembershipChanges();
                _readingMemberships[connection] = changes;
            }

            changes.Readers++;
            return changes;
        }
    }

    private List<(string Group, long Position)> EndMembershipRead(SseConnection connection, MembershipChanges changes)
    {
        lock (_gate)
        {
            if (--changes.Readers == 0)
            {
                _readingMemberships.Remove(connection);
            }

            return changes.Leaves();
        }
    }

    // A join or leave on the client target: remembered for a membership read in progress.
    private void RecordMembershipChange(SseConnection connection, BackplaneMessage message)
    {
        lock (_gate)
        {
            if (_readingMemberships.TryGetValue(connection, out var changes))
            {
                changes.Record(message.Name, message.Kind == MessageKind.GroupLeft, message.Position);
            }
        }
    }
}

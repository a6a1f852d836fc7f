using OrleansSse.Backplane;

namespace OrleansSse.Connections;

// Which groups a connection follows: its client's memberships as the backplane has them, read on
// open and after an outage, with the joins and leaves that arrive while that read and the history
// read after it (or a join's history read) are in flight.
internal sealed partial class ConnectionRegistry
{
    // Makes the connection follow exactly the client's groups as the backplane has them now. The
    // caller began recording the joins and leaves announced on the client target (changes) before
    // this and ends it after its history read: those are applied as they arrive. Returns the
    // memberships read: where each group's history starts for this client (its join position:
    // what a group published before the client joined it is not the client's, even when its
    // cursor is older).
    private async Task<Dictionary<SseTarget, long>> FollowGroupsAsync(SseConnection connection, MembershipChanges changes, CancellationToken cancellationToken)
    {
        var memberships = await _backplane.GetClientMembershipsAsync(connection.ClientId, cancellationToken).ConfigureAwait(false);
        var joinedAt = memberships.ToDictionary(m => SseTarget.Group(m.Group), m => m.JoinedAt);
        SseTarget[] stale;
        lock (_gate)
        {
            // A group joined after the read is followed by its join (recorded before it follows).
            stale = [.. connection.Targets.Where(t => t.Kind == TargetKind.Group && !joinedAt.ContainsKey(t) && !changes.Joined(t.Key))];
        }

        await Task.WhenAll(stale.Select(t => UnfollowAsync(connection, t))).ConfigureAwait(false);
        await Task.WhenAll(joinedAt.Select(m => FollowAsync(connection, m.Key, m.Value))).ConfigureAwait(false);

        // A leave announced after the read (its position is after the join the read saw) but before
        // its group was followed found nothing to unfollow. Later ones find the group followed.
        List<(string Group, long Position)> leaves;
        lock (_gate)
        {
            leaves = changes.Leaves();
        }

        foreach (var (group, position) in leaves)
        {
            var target = SseTarget.Group(group);
            if (joinedAt.TryGetValue(target, out var joined) && joined < position)
            {
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

    private void EndMembershipRead(SseConnection connection, MembershipChanges changes)
    {
        lock (_gate)
        {
            if (--changes.Readers == 0)
            {
                _readingMemberships.Remove(connection);
            }
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

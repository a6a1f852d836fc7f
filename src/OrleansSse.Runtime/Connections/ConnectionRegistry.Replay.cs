using OrleansSse.Backplane;

namespace OrleansSse.Connections;

// What a held connection is owed from history (a group joined, the catch-up after an outage, and
// the read of an opening stream): each group's events only within the client's membership of it.
internal sealed partial class ConnectionRegistry
{
    // The connection is held: follow the group, then replay its events from the join up to the
    // first leave seen after it, if any (a join then a leave before this read must not replay what
    // the group published after the leave). The caller began recording membership changes.
    private Task JoinAsync(SseConnection connection, BackplaneMessage joined, MembershipChanges changes) =>
        ReleaseWithHistoryAsync(connection, async () =>
        {
            try
            {
                var target = SseTarget.Group(joined.Name);
                await FollowAsync(connection, target, joined.Position).ConfigureAwait(false);
                var history = await _backplane.ReadHistoryAsync([target], joined.Cursor).ConfigureAwait(false);
                return WithinMemberships(connection, history, new Dictionary<SseTarget, long> { [target] = joined.Position }, unsure: null, changes);
            }
            finally
            {
                EndMembershipRead(connection, changes);
            }
        });

    private void OnBackplaneReconnected()
    {
        var connections = Snapshot();
        RegistryLog.CatchingUp(_logger, connections.Length);
        foreach (var connection in connections)
        {
            // A stream still opening reads its own history after this; only started ones catch up.
            if (connection.Epoch.Length == 0)
            {
                continue;
            }

            connection.Hold();
            _ = CatchUpAsync(connection);
        }
    }

    // After an outage: replay everything the connection's targets got since its last event.
    // Joins and leaves announced during the outage were missed: re-read the client's groups first.
    // A group whose membership (the one the stream followed) ended during the outage is read too:
    // its events after the stream's last one were the client's up to the leave, whose position is
    // not known. If it has any, the stream ends (HistoryLost) so the client resumes, told
    // "recovered": false; if it has none, nothing was lost.
    private Task CatchUpAsync(SseConnection connection) =>
        ReleaseWithHistoryAsync(connection, async () =>
        {
            var after = new EventCursor(connection.Epoch, connection.LastPosition);
            var followed = connection.Groups();
            var changes = BeginMembershipRead(connection);
            try
            {
                var joinedAt = await FollowGroupsAsync(connection, changes, CancellationToken.None).ConfigureAwait(false);
                return await ReadOwedHistoryAsync(connection, after, joinedAt, followed, changes, CancellationToken.None).ConfigureAwait(false);
            }
            finally
            {
                EndMembershipRead(connection, changes);
            }
        });

    // The client's and everyone's events after `after`, and each group's of the memberships read
    // (`joinedAt`) from its join to the first leave seen after it. Not the groups joined since the
    // read: their joins replay them. `followed` (a catch-up: the groups the stream followed, with the
    // join positions of those memberships) adds each group whose membership ended unseen (it is gone
    // from the read, or the read has a later join): its events after the old join and up to the
    // new one (or now) are unsure, and not recovered if there are any.
    private async Task<HistoryResult> ReadOwedHistoryAsync(
        SseConnection connection, EventCursor after, Dictionary<SseTarget, long> joinedAt, Dictionary<SseTarget, long>? followed,
        MembershipChanges changes, CancellationToken cancellationToken)
    {
        var from = new Dictionary<SseTarget, long>(joinedAt);
        Dictionary<SseTarget, long>? unsure = null;
        foreach (var (group, known) in followed ?? [])
        {
            var current = joinedAt.TryGetValue(group, out var joined) ? joined : long.MaxValue;
            if (current > known && current > after.Position)
            {
                from[group] = known;
                (unsure ??= [])[group] = current;
            }
        }

        SseTarget[] targets = [SseTarget.Client(connection.ClientId), SseTarget.All, .. from.Keys];
        var history = await _backplane.ReadHistoryAsync(targets, after, from, cancellationToken).ConfigureAwait(false);
        return WithinMemberships(connection, history, from, unsure, changes);
    }

    // Drops each group's events after the first leave seen after its membership began (from, or
    // for an unsure group the later join); not recovered if an unsure group has events up to that
    // later join (for a group gone from the memberships, any).
    private HistoryResult WithinMemberships(
        SseConnection connection, HistoryResult history, Dictionary<SseTarget, long> from, Dictionary<SseTarget, long>? unsure, MembershipChanges changes)
    {
        if (!history.Recovered || from.Count == 0)
        {
            return history;
        }

        Dictionary<SseTarget, long>? leftAt = null;
        lock (_gate)
        {
            foreach (var (group, joined) in from)
            {
                var began = unsure is not null && unsure.TryGetValue(group, out var later) ? later : joined;
                if (changes.FirstLeaveAfter(group.Key, began) is { } left)
                {
                    (leftAt ??= [])[group] = left;
                }
            }
        }

        if (leftAt is null && unsure is null)
        {
            return history;
        }

        var events = new List<BackplaneMessage>(history.Events.Count);
        foreach (var message in history.Events)
        {
            if (unsure is not null && unsure.TryGetValue(message.Target, out var until) && message.Position <= until)
            {
                RegistryLog.MembershipEndedUnseen(_logger, connection.ClientId, message.Target.Key);
                return new HistoryResult(false, []);
            }

            if (leftAt is null || !leftAt.TryGetValue(message.Target, out var left) || message.Position <= left)
            {
                events.Add(message);
            }
        }

        return new HistoryResult(true, events);
    }

    // Ends a hold: releases the connection with the history read, or, when that history is
    // incomplete (trimmed, another epoch) or could not be read, ends the stream so the client
    // resumes and learns it in-band.
    private async Task ReleaseWithHistoryAsync(SseConnection connection, Func<Task<HistoryResult>> readHistory)
    {
        try
        {
            var history = await readHistory().ConfigureAwait(false);
            if (history.Recovered)
            {
                connection.Release(Encode(history.Events));
                return;
            }
        }
        catch (Exception ex)
        {
            RegistryLog.CatchUpFailed(_logger, connection.ClientId, ex);
        }

        connection.Release([]);
        connection.Close(CloseReason.HistoryLost);
    }
}

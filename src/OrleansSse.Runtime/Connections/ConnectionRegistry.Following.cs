using OrleansSse.Backplane;

namespace OrleansSse.Connections;

// How connections follow targets: ref-counted backplane subscriptions, fan-out, control messages
// and catch-up. The registry's lock is never held while calling the backplane, so backplane
// handlers may take it.
internal sealed partial class ConnectionRegistry
{
    private async Task FollowAsync(SseConnection connection, SseTarget target)
    {
        TaskCompletionSource<IAsyncDisposable>? created = null;
        TargetSubscription? entry;
        Task<IAsyncDisposable>? subscribing;
        lock (_gate)
        {
            if (!_connections.Contains(connection) || !connection.AddTarget(target))
            {
                return;
            }

            if (!_targets.TryGetValue(target, out entry))
            {
                entry = new TargetSubscription(target, this);
                created = new TaskCompletionSource<IAsyncDisposable>(TaskCreationOptions.RunContinuationsAsynchronously);
                entry.Subscribing = created.Task;
                _targets[target] = entry;
            }

            entry.Connections.Add(connection);
            subscribing = entry.Subscribing;
        }

        if (created is not null)
        {
            _ = SubscribeAsync(entry, created);
        }

        if (subscribing is not null)
        {
            await subscribing.ConfigureAwait(false);
        }
    }

    private async Task SubscribeAsync(TargetSubscription entry, TaskCompletionSource<IAsyncDisposable> completion)
    {
        var target = entry.Target;
        try
        {
            var subscription = await _backplane.SubscribeAsync(target, entry.Deliver).ConfigureAwait(false);
            lock (_gate)
            {
                entry.Handle = subscription;
                entry.Subscribing = null;
            }

            completion.SetResult(subscription);
        }
        catch (Exception ex)
        {
            lock (_gate)
            {
                if (_targets.TryGetValue(target, out var current) && current == entry)
                {
                    _targets.Remove(target);
                }
            }

            completion.SetException(ex);
        }
    }

    private async Task UnfollowAsync(SseConnection connection, SseTarget target)
    {
        Task<IAsyncDisposable>? subscribing;
        IAsyncDisposable? handle;
        lock (_gate)
        {
            connection.RemoveTarget(target);
            if (!_targets.TryGetValue(target, out var entry))
            {
                return;
            }

            entry.Connections.Remove(connection);
            if (entry.Connections.Count > 0)
            {
                return;
            }

            _targets.Remove(target);
            subscribing = entry.Subscribing;
            handle = entry.Handle;
        }

        try
        {
            handle ??= await subscribing!.ConfigureAwait(false);
            await handle.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            RegistryLog.UnsubscribeFailed(_logger, target.ToString(), ex);
        }
    }

    internal void OnMessage(TargetSubscription entry, BackplaneMessage message)
    {
        _metrics.BackplaneMessageReceived();
        var connections = entry.Connections.Snapshot();
        if (connections.IsEmpty)
        {
            return;
        }

        switch (message.Kind)
        {
            case MessageKind.Event:
                var frame = ToFrame(message);
                // The writers' wake-ups go out in chunks after the loop (WakeBatch), not one
                // thread-pool work item per connection.
                var wakes = WakeBatch.Begin();
                try
                {
                    foreach (var connection in connections)
                    {
                        if (connection is null)
                        {
                            continue;
                        }

                        if (!string.Equals(connection.Epoch, message.Epoch, StringComparison.Ordinal) && connection.Epoch.Length > 0)
                        {
                            // The backplane lost its history (e.g. Redis came back empty) while this
                            // stream stayed subscribed: its positions mean nothing any more. End it, so
                            // the client resumes and is told "recovered": false.
                            connection.Close(CloseReason.HistoryLost);
                            continue;
                        }

                        connection.Offer(frame);
                    }
                }
                finally
                {
                    wakes.Run();
                }

                break;
            case MessageKind.GroupJoined:
                foreach (var connection in connections)
                {
                    if (connection is null)
                    {
                        continue;
                    }

                    RecordMembershipChange(connection, message);
                    connection.Hold();
                    _ = JoinAsync(connection, message);
                }

                break;
            case MessageKind.GroupLeft:
                foreach (var connection in connections)
                {
                    if (connection is null)
                    {
                        continue;
                    }

                    RecordMembershipChange(connection, message);
                    _ = UnfollowAsync(connection, SseTarget.Group(message.Name));
                }

                break;
            case MessageKind.Watermark:
                var watermark = new Frame(message.Position, SseEncoder.IdOnly(message.Cursor.ToString()));
                var marked = 0;
                var watermarkWakes = WakeBatch.Begin();
                try
                {
                    foreach (var connection in connections)
                    {
                        if (connection?.OfferWatermark(watermark, message.Epoch) == true)
                        {
                            marked++;
                        }
                    }
                }
                finally
                {
                    watermarkWakes.Run();
                }

                _metrics.WatermarksWritten(marked);
                break;
            case MessageKind.Disconnect:
                foreach (var connection in connections)
                {
                    if (connection is null)
                    {
                        continue;
                    }

                    connection.Close(CloseReason.Requested);
                }

                break;
        }
    }

    // The connection is held: follow the group, then replay its events since the join (only those:
    // the join's position is where the group's history starts for this client).
    private Task JoinAsync(SseConnection connection, BackplaneMessage joined) =>
        ReleaseWithHistoryAsync(connection, async () =>
        {
            var target = SseTarget.Group(joined.Name);
            await FollowAsync(connection, target).ConfigureAwait(false);
            return await _backplane.ReadHistoryAsync([target], joined.Cursor).ConfigureAwait(false);
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
    private Task CatchUpAsync(SseConnection connection) =>
        ReleaseWithHistoryAsync(connection, async () =>
        {
            var after = new EventCursor(connection.Epoch, connection.LastPosition);
            var joinedAt = await FollowGroupsAsync(connection, CancellationToken.None).ConfigureAwait(false);
            return await _backplane.ReadHistoryAsync(connection.Targets, after, joinedAt).ConfigureAwait(false);
        });

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

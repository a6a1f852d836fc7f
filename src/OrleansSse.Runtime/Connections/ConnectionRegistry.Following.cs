using OrleansSse.Backplane;

namespace OrleansSse.Connections;

// How connections follow targets: ref-counted backplane subscriptions, fan-out, control messages
// and catch-up. The registry's lock is never held while calling the backplane, so backplane
// handlers may take it.
internal sealed partial class ConnectionRegistry
{
    // For a group, joinedAt is the join position of the membership the connection follows it for.
    // One entry per target at a time: a follow finds the entry being made or one whose last
    // connection just left (its subscription is kept while being made) and joins it; only an entry
    // whose subscription is being disposed is replaced, and the new subscription is made once that
    // disposal is done. A second subscribe of a target while its first is unanswered (or its
    // unsubscribe is) may otherwise "complete" before the backplane delivers anything for it.
    private async Task FollowAsync(SseConnection connection, SseTarget target, long joinedAt = 0)
    {
        TaskCompletionSource<IAsyncDisposable>? created = null;
        Task? previous = null;
        TargetSubscription? entry;
        Task<IAsyncDisposable>? subscribing;
        lock (_gate)
        {
            if (!_connections.Contains(connection) || !connection.AddTarget(target, joinedAt))
            {
                return;
            }

            if (!_targets.TryGetValue(target, out entry) || entry.Unsubscribing is not null)
            {
                previous = entry?.Unsubscribing;
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
            _ = SubscribeAsync(entry, created, previous);
        }

        if (subscribing is not null)
        {
            await subscribing.ConfigureAwait(false);
        }
    }

    private async Task SubscribeAsync(TargetSubscription entry, TaskCompletionSource<IAsyncDisposable> completion, Task? previous)
    {
        var target = entry.Target;
        try
        {
            if (previous is not null)
            {
                await previous.ConfigureAwait(false);
            }

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

    // The entry stays while its subscription is being made: a follow meanwhile takes it back. Its
    // subscription is disposed only if it is still without connections once made.
    private async Task UnfollowAsync(SseConnection connection, SseTarget target)
    {
        TargetSubscription? entry;
        Task<IAsyncDisposable>? subscribing;
        IAsyncDisposable? handle;
        lock (_gate)
        {
            if (!connection.RemoveTarget(target) || !_targets.TryGetValue(target, out entry) || entry.Unsubscribing is not null ||
                !entry.Connections.Remove(connection) || entry.Connections.Count > 0)
            {
                return;
            }

            subscribing = entry.Subscribing;
            handle = entry.Handle;
        }

        if (handle is null)
        {
            try
            {
                handle = await subscribing!.ConfigureAwait(false);
            }
            catch
            {
                return; // never made (its entry is gone): nothing to dispose
            }
        }

        TaskCompletionSource unsubscribed;
        lock (_gate)
        {
            if (entry.Connections.Count > 0 || entry.Unsubscribing is not null ||
                !_targets.TryGetValue(target, out var current) || current != entry)
            {
                return;
            }

            unsubscribed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            entry.Unsubscribing = unsubscribed.Task;
        }

        try
        {
            await handle.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            RegistryLog.UnsubscribeFailed(_logger, target.ToString(), ex);
        }
        finally
        {
            lock (_gate)
            {
                if (_targets.TryGetValue(target, out var current) && current == entry)
                {
                    _targets.Remove(target);
                }
            }

            unsubscribed.SetResult();
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
                    _ = JoinAsync(connection, message, BeginMembershipRead(connection));
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
}

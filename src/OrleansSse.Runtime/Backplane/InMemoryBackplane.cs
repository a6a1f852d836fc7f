namespace OrleansSse.Backplane;

/// <summary>
/// The embedded backplane: history, membership and live delivery in this process. It serves
/// <b>one silo</b> (or several silos inside one process, as in tests); it cannot connect silos in
/// different processes. No server needed. History is lost when the process ends: the epoch is new
/// at every start, so cursors from an earlier run resume with <c>"recovered": false</c>.
/// </summary>
/// <remarks>
/// A target's stream is dropped once its newest event is older than
/// <see cref="RetentionOptions.MaxAge"/>, keeping only the position it was trimmed through for a
/// day, as the Redis backplane's keys expire: memory follows the targets that received events
/// recently, not every client id ever seen; all streams together stay within
/// <see cref="RetentionOptions.MaxRetainedBytes"/>. Group memberships lapse likewise
/// (<see cref="RetentionOptions.MembershipLifetime"/> after their join or last refresh) and are then
/// removed. Expiry runs with the backplane's operations (each removes what is due by then, on the
/// clock given to the constructor), not on a timer of its own.
/// </remarks>
public sealed partial class InMemoryBackplane : ISseBackplane
{
    private readonly object _gate = new();
    private readonly RetentionOptions _retention;
    private readonly TimeProvider _time;
    private readonly InMemoryStreams _streams;
    private readonly InMemoryMemberships _memberships;
    private readonly PositionCheckpoints? _lapseCheckpoints; // when memberships can lapse: how old a cursor is
    // Copy-on-write arrays: a handler may unsubscribe (even synchronously) while a message is delivered.
    private readonly Dictionary<SseTarget, Action<BackplaneMessage>[]> _subscribers = [];
    private long _position;

    /// <summary>Creates a backplane with a fresh epoch. <paramref name="time"/> is the clock of retention and membership lapse.</summary>
    /// <exception cref="ArgumentException"><see cref="RetentionOptions.MembershipLifetime"/> is negative.</exception>
    public InMemoryBackplane(RetentionOptions? retention = null, TimeProvider? time = null)
    {
        _retention = retention ?? new RetentionOptions();
        if (_retention.MembershipLifetime < TimeSpan.Zero)
        {
            throw new ArgumentException("The membership lifetime must not be negative.", nameof(retention));
        }

        _time = time ?? TimeProvider.System;
        _streams = new InMemoryStreams(_retention);
        _memberships = new InMemoryMemberships(_retention.MembershipLifetime);
        if (_retention.MembershipLifetime > TimeSpan.Zero)
        {
            _lapseCheckpoints = new PositionCheckpoints(_retention.GetMembershipLapseHorizon());
        }

        Epoch = EpochGenerator.NewEpoch();
    }

    /// <summary>This instance's epoch.</summary>
    public string Epoch { get; }

    /// <inheritdoc />
    public BackplaneHealth Health => BackplaneHealth.Ok;

    /// <inheritdoc />
    /// <remarks>Never raised: an in-process backplane has no outages.</remarks>
    public event Action? Reconnected
    {
        add { }
        remove { }
    }

    /// <inheritdoc />
    /// <remarks>The earlier of the membership lapse horizon and how long a dropped stream's marker is kept.</remarks>
    public TimeSpan CursorHorizon => _retention.GetMembershipLapseHorizon() < InMemoryStreams.MarkerLifetime
        ? _retention.GetMembershipLapseHorizon()
        : InMemoryStreams.MarkerLifetime;

    /// <inheritdoc />
    public Task<EventCursor> GetCurrentAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult(new EventCursor(Epoch, _position));
        }
    }

    /// <inheritdoc />
    public Task<PublishReceipt> PublishAsync(SseTarget target, string eventName, string data, CancellationToken cancellationToken = default) =>
        PublishAsync(target, eventName, data, coalesceKey: null, cancellationToken);

    /// <inheritdoc />
    public Task<PublishReceipt> PublishAsync(SseTarget target, string eventName, string data, string? coalesceKey, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            var message = new BackplaneMessage(target, MessageKind.Event, ++_position, Epoch, eventName, data, coalesceKey);
            var now = Sweep();
            _streams.Append(message, now);
            _lapseCheckpoints?.Record(now, message.Position);
            var subscribers = Deliver(message);
            return Task.FromResult(new PublishReceipt(message.Cursor, subscribers));
        }
    }

    /// <inheritdoc />
    public Task<EventCursor> PublishWatermarkAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            var message = new BackplaneMessage(SseTarget.All, MessageKind.Watermark, ++_position, Epoch, "", "");
            _lapseCheckpoints?.Record(Sweep(), message.Position);
            Deliver(message);
            return Task.FromResult(message.Cursor);
        }
    }

    /// <inheritdoc />
    public Task<long> AddToGroupAsync(string group, string clientId, CancellationToken cancellationToken = default) =>
        Task.FromResult(ChangeMembership(group, clientId, MessageKind.GroupJoined));

    /// <inheritdoc />
    public Task<GroupJoinResult> AddToGroupsWithinLimitAsync(string clientId, IReadOnlyCollection<string> groups, int maxGroups, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(groups);
        lock (_gate)
        {
            Sweep();
            var count = _memberships.CountOf(clientId);
            var distinct = groups.Distinct(StringComparer.Ordinal).ToArray();
            var after = count + distinct.Count(g => !_memberships.Contains(clientId, g));
            if (maxGroups > 0 && after > maxGroups && after > count)
            {
                return Task.FromResult(new GroupJoinResult(false, after));
            }

            foreach (var group in distinct)
            {
                ChangeMembership(group, clientId, MessageKind.GroupJoined);
            }

            return Task.FromResult(new GroupJoinResult(true, after));
        }
    }

    /// <inheritdoc />
    public Task<long> RemoveFromGroupAsync(string group, string clientId, CancellationToken cancellationToken = default) =>
        Task.FromResult(ChangeMembership(group, clientId, MessageKind.GroupLeft));

    /// <inheritdoc />
    public Task RefreshMembershipsAsync(IReadOnlyCollection<string> clientIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(clientIds);
        lock (_gate)
        {
            var now = Sweep();
            foreach (var clientId in clientIds)
            {
                _memberships.Refresh(clientId, now);
            }
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> GetGroupMembersAsync(string group, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            Sweep();
            return Task.FromResult(_memberships.Members(group));
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> GetClientGroupsAsync(string clientId, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            Sweep();
            return Task.FromResult<IReadOnlyList<string>>([.. _memberships.Of(clientId).Select(static m => m.Group)]);
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<GroupMembership>> GetClientMembershipsAsync(string clientId, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            Sweep();
            return Task.FromResult(_memberships.Of(clientId));
        }
    }

    /// <inheritdoc />
    public Task<bool> IsOnlineAsync(string clientId, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult(_subscribers.ContainsKey(SseTarget.Client(clientId)));
        }
    }

    /// <inheritdoc />
    public Task DisconnectAsync(string clientId, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            Deliver(new BackplaneMessage(SseTarget.Client(clientId), MessageKind.Disconnect, ++_position, Epoch, "", ""));
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<IAsyncDisposable> SubscribeAsync(SseTarget target, Action<BackplaneMessage> onMessage, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            _subscribers[target] = _subscribers.TryGetValue(target, out var list) ? [.. list, onMessage] : [onMessage];
        }

        return Task.FromResult<IAsyncDisposable>(new Subscription(this, target, onMessage));
    }

    /// <inheritdoc />
    public Task<HistoryResult> ReadHistoryAsync(IReadOnlyCollection<SseTarget> targets, EventCursor after, CancellationToken cancellationToken = default) =>
        ReadHistoryAsync(targets, after, new Dictionary<SseTarget, long>(), cancellationToken);

    /// <inheritdoc />
    public Task<HistoryResult> ReadHistoryAsync(IReadOnlyCollection<SseTarget> targets, EventCursor after, IReadOnlyDictionary<SseTarget, long> joinedAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(joinedAt);
        lock (_gate)
        {
            if (after.Epoch != Epoch)
            {
                return Task.FromResult(new HistoryResult(false, []));
            }

            var recovered = after.Position <= _position;
            var now = Sweep();

            // A cursor older than the lapse horizon may have lost a group's events with its membership.
            var forgotten = _lapseCheckpoints?.ForgottenBefore(now) ?? 0;
            var events = new List<BackplaneMessage>();
            foreach (var target in targets.Distinct())
            {
                var from = Math.Max(after.Position, joinedAt.GetValueOrDefault(target));
                recovered &= _streams.CopyAfter(target, from, now, events) && from >= forgotten;
            }

            events.Sort(static (a, b) => a.Position.CompareTo(b.Position));
            return Task.FromResult(HistoryResult.WithinReplayBounds(recovered, events, _retention));
        }
    }

    private long ChangeMembership(string group, string clientId, MessageKind kind)
    {
        lock (_gate)
        {
            var now = Sweep();
            var message = new BackplaneMessage(SseTarget.Client(clientId), kind, ++_position, Epoch, group, "");
            if (kind == MessageKind.GroupJoined)
            {
                _memberships.Join(group, clientId, message.Position, now);
            }
            else
            {
                _memberships.Leave(group, clientId);
            }

            Deliver(message);
            return message.Position;
        }
    }

    // Runs under _gate: drops the streams and memberships that expired by now, and returns now.
    private DateTimeOffset Sweep()
    {
        var now = _time.GetUtcNow();
        _streams.Sweep(now);
        _memberships.Sweep(now);
        return now;
    }

    // Runs under _gate, so every subscriber sees messages in position order.
    private long Deliver(BackplaneMessage message)
    {
        if (!_subscribers.TryGetValue(message.Target, out var list))
        {
            return 0;
        }

        foreach (var handler in list)
        {
            handler(message);
        }

        return list.Length;
    }

    private void Unsubscribe(SseTarget target, Action<BackplaneMessage> onMessage)
    {
        lock (_gate)
        {
            if (!_subscribers.TryGetValue(target, out var list))
            {
                return;
            }

            var index = Array.IndexOf(list, onMessage);
            if (index < 0)
            {
                return;
            }

            if (list.Length == 1)
            {
                _subscribers.Remove(target);
            }
            else
            {
                _subscribers[target] = [.. list[..index], .. list[(index + 1)..]];
            }
        }
    }

    private sealed class Subscription(InMemoryBackplane owner, SseTarget target, Action<BackplaneMessage> onMessage) : IAsyncDisposable
    {
        private int _disposed;

        public ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                owner.Unsubscribe(target, onMessage);
            }

            return ValueTask.CompletedTask;
        }
    }
}

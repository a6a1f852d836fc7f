using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansSse.Backplane;
using OrleansSse.Metrics;

namespace OrleansSse.Connections;

/// <summary>
/// This silo's open streams and the targets they follow. One backplane subscription per target
/// per silo, ref-counted by local connections; every backplane message is encoded once and the
/// same bytes are queued to each local connection that follows the target (fan-out is local).
/// Also runs the catch-up mechanism: subscribe first, park live frames, read history, merge.
/// </summary>
internal sealed partial class ConnectionRegistry : IDisposable
{
    private readonly object _gate = new();
    private readonly Dictionary<SseTarget, TargetSubscription> _targets = [];
    private readonly HashSet<SseConnection> _connections = [];
    private readonly Dictionary<SseConnection, MembershipChanges> _readingMemberships = [];
    private readonly ISseBackplane _backplane;
    private readonly StreamOptions _options;
    private readonly SseMetrics _metrics;
    private readonly ILogger _logger;
    private bool _draining;

    /// <summary>Creates the registry and follows the backplane's reconnects.</summary>
    public ConnectionRegistry(ISseBackplane backplane, IOptions<StreamOptions> options, SseMetrics metrics, ILogger<ConnectionRegistry> logger)
    {
        _backplane = backplane;
        _options = options.Value;
        _metrics = metrics;
        _logger = logger;
        _backplane.Reconnected += OnBackplaneReconnected;
    }

    /// <summary>Open streams on this silo.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _connections.Count;
            }
        }
    }

    /// <summary>
    /// Raised with the client id when a stream has followed its client's groups (while
    /// <see cref="OpenAsync"/> runs, before its history is read). Handlers must not block.
    /// </summary>
    public event Action<string>? StreamOpened;

    /// <summary>Whether the silo is draining (stopping): new streams are refused.</summary>
    public bool IsDraining => Volatile.Read(ref _draining);

    /// <summary>
    /// Opens a stream for <paramref name="clientId"/>: follows its client target (so membership
    /// changes from then on reach it), then its groups and broadcast, then reads the history after
    /// <paramref name="cursor"/> (if any): the client's, everyone's, and each group's from the later
    /// of the cursor and the client's join, up to a leave seen meanwhile. The returned connection is
    /// held; call <see cref="Start"/> to queue its first bytes and go live.
    /// </summary>
    /// <exception cref="BackplaneUnavailableException">Nothing is left behind: the stream is not opened.</exception>
    /// <exception cref="SiloDrainingException">The silo is stopping.</exception>
    public async Task<OpenedStream> OpenAsync(string clientId, EventCursor? cursor, CancellationToken cancellationToken)
    {
        var connection = new SseConnection(clientId, _options, _metrics);
        lock (_gate)
        {
            if (_draining)
            {
                throw new SiloDrainingException();
            }

            _connections.Add(connection);
        }

        _metrics.ConnectionOpened();
        var changes = BeginMembershipRead(connection);
        try
        {
            await FollowAsync(connection, SseTarget.Client(clientId)).ConfigureAwait(false);
            var joinedAt = await FollowGroupsAsync(connection, changes, cancellationToken).ConfigureAwait(false);
            await FollowAsync(connection, SseTarget.All).ConfigureAwait(false);

            // Events up to the current position belong to "before this stream": live copies of them
            // still in flight are dropped, and a later catch-up starts here rather than at 0.
            var current = await _backplane.GetCurrentAsync(cancellationToken).ConfigureAwait(false);
            connection.SetCursor(current.Epoch, current.Position);
            StreamOpened?.Invoke(clientId);
            if (cursor is not { } after)
            {
                return new OpenedStream(connection, Recovered: true, []);
            }

            // The groups read, each within the membership read; a group joined since is replayed by its join.
            var history = await ReadOwedHistoryAsync(connection, after, joinedAt, followed: null, changes, cancellationToken).ConfigureAwait(false);
            if (after.Epoch == current.Epoch && after.Position <= current.Position)
            {
                connection.SetCursor(current.Epoch, after.Position);
            }

            _metrics.Resumed(history.Recovered);
            return new OpenedStream(connection, history.Recovered, Encode(history.Events));
        }
        catch
        {
            await CloseAsync(connection).ConfigureAwait(false);
            throw;
        }
        finally
        {
            EndMembershipRead(connection, changes);
        }
    }

    /// <summary>Queues the stream's first bytes, then the parked live frames merged with <paramref name="opened"/>'s history.</summary>
    public static void Start(OpenedStream opened, ReadOnlyMemory<byte> first)
    {
        ArgumentNullException.ThrowIfNull(opened);
        opened.Connection.Start(first);
        opened.Connection.Release(opened.History);
    }

    /// <summary>Stops following every target of the stream and forgets it.</summary>
    public async Task CloseAsync(SseConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        bool removed;
        lock (_gate)
        {
            removed = _connections.Remove(connection);
        }

        if (!removed)
        {
            return;
        }

        _metrics.ConnectionClosed();
        foreach (var target in connection.Targets)
        {
            await UnfollowAsync(connection, target).ConfigureAwait(false);
        }
    }

    /// <summary>The distinct client ids with a stream open on this silo.</summary>
    public HashSet<string> ClientIds()
    {
        lock (_gate)
        {
            var ids = new HashSet<string>(_connections.Count, StringComparer.Ordinal);
            foreach (var connection in _connections)
            {
                ids.Add(connection.ClientId);
            }

            return ids;
        }
    }

    /// <summary>Queues a heartbeat comment to every started, idle stream.</summary>
    public void Heartbeat()
    {
        foreach (var connection in Snapshot())
        {
            connection.Heartbeat();
        }
    }

    /// <summary>
    /// Ends (<see cref="SseConnection.Expire"/>, with <paramref name="last"/> after what is queued)
    /// every stream whose deadline is at or before <paramref name="horizon"/>. Returns how many.
    /// </summary>
    public int ExpireDue(DateTimeOffset horizon, ReadOnlyMemory<byte> last)
    {
        var due = Where(horizon, static (connection, horizon) => connection.IsDue(horizon));
        foreach (var connection in due ?? [])
        {
            connection.Expire(last);
        }

        return due?.Count ?? 0;
    }

    /// <summary>
    /// Cuts as slow consumers (<see cref="SseConnection.CutStalled"/>) the streams whose writer has
    /// waited on one flush to the client for <paramref name="timeout"/> or longer at
    /// <paramref name="now"/> (an <see cref="Environment.TickCount64"/> value): their client stopped
    /// reading (<see cref="StreamOptions.WriteStallTimeout"/>). Returns how many.
    /// </summary>
    public int CutStalled(long now, TimeSpan timeout)
    {
        var stalled = Where(now - (long)timeout.TotalMilliseconds, static (connection, since) => connection.IsWriteStalled(since));
        var cut = 0;
        foreach (var connection in stalled ?? [])
        {
            if (connection.CutStalled())
            {
                RegistryLog.WriteStalled(_logger, connection.ClientId, timeout);
                cut++;
            }
        }

        return cut;
    }

    // The streams that match, or null when none does. A sweep of every stream each second copies
    // nothing and allocates nothing unless one matches.
    private List<SseConnection>? Where<TState>(TState state, Func<SseConnection, TState, bool> match)
    {
        List<SseConnection>? matched = null;
        lock (_gate)
        {
            foreach (var connection in _connections)
            {
                if (match(connection, state))
                {
                    (matched ??= []).Add(connection);
                }
            }
        }

        return matched;
    }

    /// <summary>
    /// Starts draining: refuses new streams and ends every open one after what it has queued, with
    /// a short <c>retry:</c> hint so browsers resume on another silo.
    /// </summary>
    public void Drain()
    {
        Volatile.Write(ref _draining, true);
        var retry = SseEncoder.Retry(_options.DrainRetryMilliseconds);
        var connections = Snapshot();
        RegistryLog.Draining(_logger, connections.Length);
        foreach (var connection in connections)
        {
            connection.Close(CloseReason.Draining, retry);
        }
    }

    /// <summary>Cuts every open stream at once, with no drain (what a killed silo does to its clients).</summary>
    public void AbortAll()
    {
        Volatile.Write(ref _draining, true);
        foreach (var connection in Snapshot())
        {
            connection.Close(CloseReason.Aborted);
        }
    }

    /// <inheritdoc />
    public void Dispose() => _backplane.Reconnected -= OnBackplaneReconnected;

    private SseConnection[] Snapshot()
    {
        lock (_gate)
        {
            return [.. _connections];
        }
    }

    // Replayed history: only the newest event per coalesce key is encoded (older ones are counted
    // as coalesced); the connection's queue supersedes further against parked live frames.
    private Frame[] Encode(IReadOnlyList<BackplaneMessage> events)
    {
        var replayed = Coalescing.NewestPerKey(events);
        if (replayed.Count < events.Count)
        {
            _metrics.FramesCoalesced(events.Count - replayed.Count);
        }

        var frames = new Frame[replayed.Count];
        for (var i = 0; i < frames.Length; i++)
        {
            frames[i] = ToFrame(replayed[i]);
        }

        return frames;
    }

    private static Frame ToFrame(BackplaneMessage message) =>
        new(message.Position, SseEncoder.Encode(message.Cursor.ToString(), message.Name, message.Data), message.CoalesceKey);
}

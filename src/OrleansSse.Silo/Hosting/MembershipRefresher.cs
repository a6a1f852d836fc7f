using Microsoft.Extensions.Options;
using OrleansSse.Backplane;
using OrleansSse.Connections;

namespace OrleansSse.Silo.Hosting;

/// <summary>
/// Keeps the group memberships of this silo's clients from lapsing while they are connected: it
/// refreshes (<see cref="ISseBackplane.RefreshMembershipsAsync"/>) each client shortly after its
/// stream opens, and every client with an open stream once per <see cref="Interval"/> (a quarter of
/// <see cref="RetentionOptions.MembershipLifetime"/>, at most an hour), so a membership lapses between
/// about three quarters of a lifetime and one lifetime after its client's last stream closed.
/// </summary>
/// <remarks>
/// Work per <see cref="TickAsync"/> is bounded: at most <see cref="MaxBatchesPerTick"/> backplane calls of
/// <see cref="BatchSize"/> clients; what is left waits for the next tick. A failed call (backplane down)
/// is logged and its clients are retried at the next tick; streams are never affected. Limits: a
/// client whose stream opens within about a tick of its memberships' deadline may follow a group
/// whose membership lapses just before the refresh (until it reconnects). With a lifetime of zero
/// it still refreshes, hourly: memberships made earlier under a lifetime become permanent once
/// their client connects.
/// </remarks>
internal sealed class MembershipRefresher : IDisposable
{
    /// <summary>Clients per backplane call.</summary>
    public const int BatchSize = 256;

    /// <summary>Backplane calls per tick at most.</summary>
    public const int MaxBatchesPerTick = 16;

    private readonly object _gate = new();
    private readonly Queue<string> _queue = new();
    private readonly HashSet<string> _queued = new(StringComparer.Ordinal);
    private readonly ConnectionRegistry _registry;
    private readonly ISseBackplane _backplane;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private DateTimeOffset _nextPass = DateTimeOffset.MinValue;
    private DateTimeOffset? _passStarted;
    private bool _failing;
    private long _refreshed;

    public MembershipRefresher(ConnectionRegistry registry, ISseBackplane backplane, IOptions<RetentionOptions> retention, TimeProvider time, ILogger<MembershipRefresher> logger)
    {
        _registry = registry;
        _backplane = backplane;
        _time = time;
        _logger = logger;
        // With a lifetime of zero, memberships made earlier under a lifetime still carry their
        // deadline: refreshing makes those of connected clients permanent (hourly is plenty).
        Interval = retention.Value.MembershipLifetime > TimeSpan.Zero ? retention.Value.GetMembershipRefreshInterval() : TimeSpan.FromHours(1);
        _registry.StreamOpened += Enqueue;
    }

    /// <summary>How often every client with an open stream is refreshed.</summary>
    public TimeSpan Interval { get; }

    /// <summary>How often <see cref="TickAsync"/> should run: every second, or more often when <see cref="Interval"/> is shorter.</summary>
    public TimeSpan TickInterval => TimeSpan.FromTicks(Math.Clamp(Interval.Ticks, TimeSpan.TicksPerMillisecond * 50, TimeSpan.TicksPerSecond));

    /// <summary>When the last pass over every client that was completed began (for tests and diagnostics).</summary>
    public DateTimeOffset? LastCompletedPass
    {
        get
        {
            lock (_gate)
            {
                return field;
            }
        }
        private set => field = value;
    }

    /// <summary>Clients refreshed so far (for tests and diagnostics).</summary>
    public long Refreshed => Interlocked.Read(ref _refreshed);

    /// <summary>Queues a client for the next tick (a stream of it opened).</summary>
    public void Enqueue(string clientId)
    {
        lock (_gate)
        {
            if (_queued.Add(clientId))
            {
                _queue.Enqueue(clientId);
            }
        }
    }

    /// <summary>
    /// Starts a pass over every client with an open stream when one is due, then refreshes up to
    /// <see cref="MaxBatchesPerTick"/> batches of queued clients that still have a stream here.
    /// </summary>
    public async Task TickAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        if (now >= _nextPass)
        {
            _nextPass = now + Interval;
            foreach (var clientId in _registry.ClientIds())
            {
                Enqueue(clientId);
            }

            lock (_gate)
            {
                _passStarted = now;
            }
        }

        HashSet<string>? local = null;
        for (var i = 0; i < MaxBatchesPerTick; i++)
        {
            var batch = Take();
            if (batch.Count == 0)
            {
                break;
            }

            local ??= _registry.ClientIds();
            batch.RemoveAll(id => !local.Contains(id));
            if (batch.Count > 0 && !await RefreshAsync(batch, cancellationToken).ConfigureAwait(false))
            {
                return;
            }
        }

        lock (_gate)
        {
            if (_queue.Count == 0 && _passStarted is { } started)
            {
                LastCompletedPass = started;
                _passStarted = null;
            }
        }
    }

    /// <inheritdoc />
    public void Dispose() => _registry.StreamOpened -= Enqueue;

    private List<string> Take()
    {
        lock (_gate)
        {
            var batch = new List<string>(Math.Min(BatchSize, _queue.Count));
            while (batch.Count < BatchSize && _queue.TryDequeue(out var clientId))
            {
                _queued.Remove(clientId);
                batch.Add(clientId);
            }

            return batch;
        }
    }

    // False when the backplane failed: the batch is queued again for the next tick.
    private async Task<bool> RefreshAsync(List<string> batch, CancellationToken cancellationToken)
    {
        try
        {
            await _backplane.RefreshMembershipsAsync(batch, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            if (!_failing)
            {
                _failing = true;
                MembershipRefreshLog.Failed(_logger, batch.Count, ex);
            }
            else
            {
                MembershipRefreshLog.StillFailing(_logger, batch.Count, ex.Message);
            }

            foreach (var clientId in batch)
            {
                Enqueue(clientId);
            }

            return false;
        }

        Interlocked.Add(ref _refreshed, batch.Count);
        if (_failing)
        {
            _failing = false;
            MembershipRefreshLog.Recovered(_logger);
        }

        return true;
    }
}

namespace OrleansSse.Redis;

/// <summary>
/// Live messages of the subscription connection: delivered at once while it is live, parked from
/// its failure until a probe confirmed that its subscriptions are live again. Then the "live
/// again" handler runs (it holds the streams and catches them up from history) and the parked
/// messages follow, in arrival order, all under one lock, so no message can move a stream past the
/// gap before its catch-up started.
/// </summary>
/// <remarks>
/// A probe only counts if no failure happened while it ran: a connection that failed again (and
/// perhaps came back) during a probe is probed again, and a restore that arrives while a probe is
/// ending starts a new one, so parking never outlives a live connection and no outage is skipped.
/// </remarks>
internal sealed class LiveDelivery
{
    private readonly object _gate = new();
    private readonly Func<CancellationToken, Task> _probe;
    private readonly Action _onLive;
    private readonly Action<Exception> _onProbeFailed;
    private readonly TimeSpan _retryInterval;
    private readonly CancellationToken _stopping;
    private List<Action>? _parked;
    private long _failures;
    private bool _down;
    private int _probing;

    /// <param name="probe">Completes once the subscriptions are confirmed live; throws when they are not.</param>
    /// <param name="onLive">Runs under the lock once they are, before the parked messages.</param>
    /// <param name="onProbeFailed">Told about each failed probe (it is retried after <paramref name="retryInterval"/>).</param>
    /// <param name="retryInterval">Wait between failed probes.</param>
    /// <param name="stopping">Ends probing.</param>
    public LiveDelivery(Func<CancellationToken, Task> probe, Action onLive, Action<Exception> onProbeFailed, TimeSpan retryInterval, CancellationToken stopping)
    {
        _probe = probe;
        _onLive = onLive;
        _onProbeFailed = onProbeFailed;
        _retryInterval = retryInterval;
        _stopping = stopping;
    }

    /// <summary>True while messages are parked (from a failure until the subscriptions are confirmed live).</summary>
    public bool Parking
    {
        get
        {
            lock (_gate)
            {
                return _parked is not null;
            }
        }
    }

    /// <summary>Runs <paramref name="delivery"/> now, or parks it until the subscriptions are live again.</summary>
    public void Deliver(Action delivery)
    {
        lock (_gate)
        {
            if (_parked is not null)
            {
                _parked.Add(delivery);
                return;
            }
        }

        delivery();
    }

    /// <summary>The subscription connection failed: park from now on.</summary>
    public void OnFailed()
    {
        lock (_gate)
        {
            _parked ??= [];
            _failures++;
            _down = true;
        }
    }

    /// <summary>The subscription connection is back: probe it (unless a probe runs; it will see this).</summary>
    public void OnRestored()
    {
        lock (_gate)
        {
            _down = false;
        }

        StartProbe();
    }

    private void StartProbe()
    {
        if (Interlocked.Exchange(ref _probing, 1) == 0)
        {
            _ = ProbeAsync();
        }
    }

    private async Task ProbeAsync()
    {
        try
        {
            while (!_stopping.IsCancellationRequested)
            {
                long failures;
                lock (_gate)
                {
                    if (_down || _parked is null)
                    {
                        // Down again: the next restore probes. Nothing parked: nothing to confirm.
                        return;
                    }

                    failures = _failures;
                }

                try
                {
                    await _probe(_stopping).ConfigureAwait(false);
                    if (TryGoLive(failures))
                    {
                        return;
                    }
                }
                catch (Exception ex) when (!_stopping.IsCancellationRequested)
                {
                    _onProbeFailed(ex);
                }

                await Task.Delay(_retryInterval, _stopping).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // Stopped while probing.
        }
        finally
        {
            Interlocked.Exchange(ref _probing, 0);
            if (!_stopping.IsCancellationRequested && NeedsProbe())
            {
                // A restore that came while this probe was ending found it still running.
                StartProbe();
            }
        }
    }

    private bool NeedsProbe()
    {
        lock (_gate)
        {
            return _parked is not null && !_down;
        }
    }

    private bool TryGoLive(long failures)
    {
        lock (_gate)
        {
            if (_failures != failures || _down)
            {
                // It failed while the probe ran: what the probe saw may predate that outage.
                return false;
            }

            _onLive();
            var parked = _parked ?? [];
            _parked = null;
            foreach (var delivery in parked)
            {
                delivery();
            }

            return true;
        }
    }
}

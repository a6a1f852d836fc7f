using Microsoft.Extensions.Logging;
using OrleansSse.Backplane;
using StackExchange.Redis;

namespace OrleansSse.Redis;

/// <summary>
/// Owns the multiplexer: bounded-time operations that fail as <see cref="BackplaneUnavailableException"/>,
/// health, the "subscriptions live again" signal after an outage, and the position-counter check
/// after every reconnect (<see cref="SequenceGuard"/>).
/// </summary>
internal sealed class RedisConnection : IAsyncDisposable, IDisposable
{
    private readonly RedisBackplaneOptions _options;
    private readonly RedisKeys _keys;
    private readonly ILogger _logger;
    private readonly SequenceGuard _guard;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task<ConnectionMultiplexer> _connecting;
    private volatile string? _interactiveFailure;
    private volatile string? _subscriptionFailure;
    private readonly LiveDelivery _live;
    private int _disposed;

    public RedisConnection(RedisBackplaneOptions options, RedisKeys keys, ILogger logger)
    {
        _options = options;
        _keys = keys;
        _logger = logger;
        _guard = new SequenceGuard(keys, logger);
        _live = new LiveDelivery(ConfirmSubscriptionsAsync, OnSubscriptionsLive, ex => RedisBackplaneLog.ProbeFailed(_logger, ex),
            TimeSpan.FromMilliseconds(250), _stopping.Token);
        var configuration = RedisClientConfiguration.Build(options);
        OperationTimeout = RedisClientConfiguration.EffectiveTimeout(options.OperationTimeout, configuration);
        _connecting = ConnectAsync(configuration);
    }

    /// <summary>
    /// The bound on every operation: <see cref="RedisBackplaneOptions.OperationTimeout"/>, or the
    /// configuration string's <c>syncTimeout</c> / <c>responseTimeout</c> when longer, so the backplane
    /// never gives up on a command the client library is still told to wait for.
    /// </summary>
    public TimeSpan OperationTimeout { get; }

    /// <summary>Raised once subscriptions are confirmed live after a subscription connection came back.</summary>
    public event Action? Reconnected;

    /// <summary>Completes when the first connection attempt has finished (successfully or not).</summary>
    public Task Started => _connecting;

    private static readonly RedisKey HealthKey = "orleanssse:health";

    public BackplaneHealth Health
    {
        get
        {
            if (!_connecting.IsCompletedSuccessfully)
            {
                return new BackplaneHealth(false, _connecting.IsFaulted
                    ? $"Redis connection could not be set up ({_connecting.Exception?.GetBaseException().GetType().Name})."
                    : "Connecting to Redis.");
            }

            var failure = _interactiveFailure ?? _subscriptionFailure;
            if (failure is not null)
            {
                return new BackplaneHealth(false, failure);
            }

            if (!_guard.Checked.IsCompleted)
            {
                return new BackplaneHealth(false, "Checking the Redis position counter after a reconnect.");
            }

            // The multiplexer counts as connected once any of its connections is up (the subscription
            // one may come back first); publishing needs the interactive one.
            var multiplexer = _connecting.Result;
            return multiplexer.IsConnected && multiplexer.GetDatabase().IsConnected(HealthKey)
                ? BackplaneHealth.Ok
                : new BackplaneHealth(false, "Not connected to Redis.");
        }
    }

    /// <summary>
    /// Delivers one live message, or parks it while the subscription connection is down or not
    /// yet confirmed live. Parked messages are delivered right after <see cref="Reconnected"/>
    /// handlers ran (they hold their streams and read history first), so a message that arrives
    /// after the restore but before the catch-up starts cannot move a stream past the gap.
    /// </summary>
    public void Deliver(Action delivery) => _live.Deliver(delivery);

    /// <summary>Records a position this process saw (a receipt or a live message), for the check after a reconnect.</summary>
    public void Observe(string epoch, long position) => _guard.Observe(epoch, position);

    /// <summary>
    /// Runs one operation with the operation timeout, mapping connection faults to
    /// <see cref="BackplaneUnavailableException"/>; after <see cref="DisposeAsync"/> it throws
    /// <see cref="ObjectDisposedException"/> (the connection was closed on purpose, Redis may be fine).
    /// </summary>
    public async Task<T> RunAsync<T>(string operation, Func<ConnectionMultiplexer, Task<T>> action, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ObjectDisposedException.ThrowIf(IsDisposed, typeof(RedisBackplane));
        try
        {
            var timeout = OperationTimeout;
            var multiplexer = await _connecting.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
            if (!multiplexer.IsConnected)
            {
                throw new BackplaneUnavailableException($"The Redis backplane is unavailable ({operation}): {Health.Reason ?? "not connected."}");
            }

            // After a reconnect nothing runs before the position counter was checked (it may have gone back).
            var checkedTask = _guard.Checked;
            if (!checkedTask.IsCompleted)
            {
                await checkedTask.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
            }

            return await action(multiplexer).WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsUnavailable(ex) && !cancellationToken.IsCancellationRequested)
        {
            if (IsDisposed)
            {
                throw new ObjectDisposedException($"The Redis backplane was disposed during the operation ({operation}).", ex);
            }

            RedisBackplaneLog.OperationFailed(_logger, operation, ex);
            var outcome = ex switch
            {
                TimeoutException or RedisTimeoutException =>
                    $"Redis did not answer within {OperationTimeout.TotalSeconds:0.###} s; the command may still have run",
                RedisConnectionException { FailureType: not ConnectionFailureType.UnableToResolvePhysicalConnection } =>
                    $"the connection dropped ({ex.Message}); the command may still have run",
                _ => ex.Message,
            };
            throw new BackplaneUnavailableException($"The Redis backplane is unavailable ({operation}): {outcome}", ex);
        }
    }

    private bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _stopping.Cancel();
        if (_connecting.IsCompleted)
        {
            Close(_connecting);
        }
        else
        {
            // Not connected yet: close whatever the attempt yields, without blocking the caller.
            _ = _connecting.ContinueWith(Close, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }

        static void Close(Task<ConnectionMultiplexer> connecting)
        {
            if (!connecting.IsCompletedSuccessfully)
            {
                return; // nothing to close
            }

            try
            {
                connecting.Result.Close(allowCommandsToComplete: false);
                connecting.Result.Dispose();
            }
            catch (Exception)
            {
                // Best effort: already gone, or failing while closing. Dispose does not throw, and
                // the continuation above must not leave a faulted task nobody observes.
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            var multiplexer = await _connecting.ConfigureAwait(false);
            await multiplexer.CloseAsync(allowCommandsToComplete: false).ConfigureAwait(false);
            multiplexer.Dispose();
        }
        catch (Exception ex) when (IsUnavailable(ex))
        {
            // Nothing to close.
        }
    }

    private static bool IsUnavailable(Exception ex) => ex is RedisConnectionException or RedisTimeoutException
        or TimeoutException or ObjectDisposedException
        || (ex is RedisServerException server && (server.Message.StartsWith("LOADING", StringComparison.Ordinal)
            || server.Message.StartsWith("MASTERDOWN", StringComparison.Ordinal)
            || server.Message.StartsWith("READONLY", StringComparison.Ordinal)));

    private async Task<ConnectionMultiplexer> ConnectAsync(ConfigurationOptions configuration)
    {
        var multiplexer = await ConnectionMultiplexer.ConnectAsync(configuration).ConfigureAwait(false);

        // Pub/sub callbacks run one at a time in arrival order: Redis sends a subscription
        // connection's messages in publish order, which is position order.
        multiplexer.PreserveAsyncOrder = true;
        multiplexer.ConnectionFailed += OnConnectionFailed;
        multiplexer.ConnectionRestored += OnConnectionRestored;
        multiplexer.InternalError += (_, e) => RedisBackplaneLog.InternalError(_logger, e.Origin, e.Exception);
        if (!multiplexer.IsConnected)
        {
            _interactiveFailure ??= "Redis is unreachable.";
        }

        return multiplexer;
    }

    private void OnConnectionFailed(object? sender, ConnectionFailedEventArgs e)
    {
        // Health reasons reach /healthz, which anyone may read: no address, no client internals
        // (the log has both).
        var reason = $"Redis {e.ConnectionType} connection failed: {e.FailureType}.";
        if (e.ConnectionType == ConnectionType.Subscription)
        {
            _subscriptionFailure = reason;
            _live.OnFailed();
        }
        else
        {
            _interactiveFailure = reason;
            _guard.Invalidate();
        }

        RedisBackplaneLog.ConnectionFailed(_logger, e.ConnectionType.ToString(), e.EndPoint?.ToString(), e.FailureType.ToString(), e.Exception);
    }

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e)
    {
        RedisBackplaneLog.ConnectionRestored(_logger, e.ConnectionType.ToString(), e.EndPoint?.ToString());
        if (e.ConnectionType == ConnectionType.Subscription)
        {
            _subscriptionFailure = null;
            _live.OnRestored();
        }
        else
        {
            _interactiveFailure = null;
            if (sender is ConnectionMultiplexer multiplexer)
            {
                _ = CheckSequenceAsync(multiplexer);
            }
        }
    }

    // Retries until the check ran (operations wait for it) or the connection is disposed.
    private async Task CheckSequenceAsync(ConnectionMultiplexer multiplexer)
    {
        while (!_stopping.IsCancellationRequested)
        {
            try
            {
                await _guard.CheckAsync(multiplexer.GetDatabase()).WaitAsync(OperationTimeout, _stopping.Token).ConfigureAwait(false);
                return;
            }
            catch (Exception ex) when (!_stopping.IsCancellationRequested)
            {
                RedisBackplaneLog.SequenceCheckFailed(_logger, ex);
            }

            try
            {
                // Retry interval while Redis is still coming back.
                await Task.Delay(TimeSpan.FromMilliseconds(250), _stopping.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    // The client re-sends every SUBSCRIBE on the restored subscription connection. A fresh probe
    // subscription goes out behind them on the same connection, so once a message published to
    // the probe comes back, the earlier subscriptions are live too. Throws when they are not yet.
    private async Task ConfirmSubscriptionsAsync(CancellationToken stopping)
    {
        var multiplexer = await _connecting.ConfigureAwait(false);
        var subscriber = multiplexer.GetSubscriber();
        var channel = _keys.Probe(Guid.NewGuid().ToString("N"));
        var echoed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Action<RedisChannel, RedisValue> handler = (_, _) => echoed.TrySetResult();
        try
        {
            await subscriber.SubscribeAsync(channel, handler).WaitAsync(OperationTimeout, stopping).ConfigureAwait(false);
            await subscriber.PublishAsync(channel, "probe").WaitAsync(OperationTimeout, stopping).ConfigureAwait(false);
            await echoed.Task.WaitAsync(OperationTimeout, stopping).ConfigureAwait(false);

            // Before anyone catches up: a counter that went back starts a new epoch first, so
            // the catch-up sees it and ends the streams (as after Redis lost all its data).
            await _guard.CheckAsync(multiplexer.GetDatabase()).WaitAsync(OperationTimeout, stopping).ConfigureAwait(false);
        }
        finally
        {
            Unsubscribe(subscriber, channel, handler);
        }
    }

    private void Unsubscribe(ISubscriber subscriber, RedisChannel channel, Action<RedisChannel, RedisValue> handler)
    {
        try
        {
            subscriber.Unsubscribe(channel, handler, CommandFlags.FireAndForget);
        }
        catch (Exception ex) when (IsUnavailable(ex))
        {
            RedisBackplaneLog.UnsubscribeFailed(_logger, channel.ToString(), ex);
        }
    }

    // Under the delivery lock: handlers hold their streams before any parked or newer message
    // reaches them, and newer messages queue behind the parked ones.
    private void OnSubscriptionsLive()
    {
        RedisBackplaneLog.SubscriptionsLive(_logger);
        RaiseReconnected();
    }

    private void RaiseReconnected()
    {
        try
        {
            Reconnected?.Invoke();
        }
        catch (Exception ex)
        {
            RedisBackplaneLog.ReconnectedHandlerFailed(_logger, ex);
        }
    }
}

using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OrleansSse.Backplane;
using StackExchange.Redis;

namespace OrleansSse.Redis;

/// <summary>
/// The cluster backplane: every silo (and every client service) connected to one Redis shares one
/// position sequence (<c>INCR</c>), one bounded stream per target (history), group membership
/// (sorted sets scored by each membership's deadline) and live delivery (pub/sub). Each write is one Lua script, so positions, history order
/// and publish order agree.
/// </summary>
/// <remarks>
/// Limits: one Redis (or one primary) is one ordering domain; Redis Cluster works only because all
/// keys share a hash tag, i.e. one slot, and presence (<c>PUBSUB NUMSUB</c>) is per node. Live
/// delivery is at-most-once (pub/sub); resume from history covers outages within retention.
/// Configure Redis with <c>maxmemory-policy noeviction</c>: an evicted sequence or epoch key would
/// break ordering. When Redis loses its data, a new epoch starts and older cursors resume with
/// <c>recovered: false</c>; when it lost only its last writes (its counter went back), the first
/// process that saw a lost position and reconnects starts a new epoch (<see cref="SequenceGuard"/>)
/// before any of its operations run. Age-based trimming and membership deadlines use this process's
/// clock (the <see cref="TimeProvider"/> given); silos' clocks should agree.
/// Every operation is bounded by <see cref="RedisBackplaneOptions.OperationTimeout"/> (or a longer
/// <c>syncTimeout</c> / <c>responseTimeout</c> in the configuration string): when Redis
/// is unreachable it fails at once; when Redis accepted the command but did not answer in time,
/// the <see cref="BackplaneUnavailableException"/> cannot promise that nothing happened (a publish
/// may still have been applied; a subscribe is undone, so its handler never runs). Needs Redis 6.2
/// or later (<c>XTRIM MINID</c>, exclusive <c>XRANGE</c>).
/// </remarks>
public sealed partial class RedisBackplane : ISseBackplane, IAsyncDisposable, IDisposable
{
    private readonly RedisBackplaneOptions _options;
    private readonly RetentionOptions _retention;
    private readonly RedisKeys _keys;
    private readonly RedisScripts _scripts = RedisScripts.Instance;
    private readonly RedisConnection _connection;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;

    /// <summary>Creates the backplane and starts connecting in the background (it keeps retrying while Redis is down).</summary>
    public RedisBackplane(RedisBackplaneOptions options, ILogger? logger = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _retention = options.Retention ?? new RetentionOptions();
        if (_retention.MaxEventsPerStream < 1 || _retention.MaxAge <= TimeSpan.Zero || _retention.MembershipLifetime < TimeSpan.Zero)
        {
            throw new ArgumentException("Retention needs at least one event, a positive age and a membership lifetime that is not negative.", nameof(options));
        }

        _keys = new RedisKeys(options.KeyPrefix);
        _logger = logger ?? NullLogger.Instance;
        _time = time ?? TimeProvider.System;
        _connection = new RedisConnection(options, _keys, _logger);
    }

    /// <inheritdoc />
    public BackplaneHealth Health => _connection.Health;

    /// <inheritdoc />
    public event Action? Reconnected
    {
        add => _connection.Reconnected += value;
        remove => _connection.Reconnected -= value;
    }

    /// <summary>
    /// Creates a backplane and waits for its first connection attempt. It returns even when Redis
    /// is unreachable (see <see cref="Health"/>); operations then fail with
    /// <see cref="BackplaneUnavailableException"/> until Redis is back.
    /// </summary>
    public static async Task<RedisBackplane> ConnectAsync(RedisBackplaneOptions options, ILogger? logger = null, CancellationToken cancellationToken = default)
    {
        var backplane = new RedisBackplane(options, logger);
        try
        {
            await backplane._connection.Started.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            await backplane.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return backplane;
    }

    /// <inheritdoc />
    public Task<EventCursor> GetCurrentAsync(CancellationToken cancellationToken = default) =>
        _connection.RunAsync("current", async redis =>
        {
            var result = (RedisResult[])(await _scripts.Current.EvaluateAsync(
                redis.GetDatabase(), [_keys.Epoch, _keys.Sequence], [EpochGenerator.NewEpoch()]).ConfigureAwait(false))!;
            var current = new EventCursor((string)result[0]!, (long)result[1]);
            _connection.Observe(current.Epoch, current.Position);
            return current;
        }, cancellationToken);

    // How long a stream's meta key (what it was trimmed through) outlives its newest event.
    private TimeSpan MetaExpiry => _retention.MaxAge + _options.StreamExpiryMargin + _options.TrimmedMarkerLifetime;

    private long MetaExpiryMilliseconds => (long)MetaExpiry.TotalMilliseconds;

    // Older cursors resume not recovered (history.lua): past it, a stream's meta key may have
    // expired, or a membership lapsed, taking the record of what the cursor missed.
    private TimeSpan ForgetHorizon => MetaExpiry < _retention.GetMembershipLapseHorizon() ? MetaExpiry : _retention.GetMembershipLapseHorizon();

    // Granularity of the position checkpoints (publish.lua, history.lua): a cursor up to this much
    // younger than the horizon may be reported not recovered although nothing was lost.
    private long CheckpointBucketMilliseconds => (long)PositionCheckpoints.BucketFor(ForgetHorizon).TotalMilliseconds;

    /// <inheritdoc />
    public Task<PublishReceipt> PublishAsync(SseTarget target, string eventName, string data, CancellationToken cancellationToken = default) =>
        PublishAsync(target, eventName, data, coalesceKey: null, cancellationToken);

    /// <inheritdoc />
    public Task<PublishReceipt> PublishAsync(SseTarget target, string eventName, string data, string? coalesceKey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(eventName);
        ArgumentNullException.ThrowIfNull(data);
        var maxAge = (long)_retention.MaxAge.TotalMilliseconds;
        // No idempotency marker is needed: StackExchange.Redis fails a command that was in flight
        // when its connection dropped and never sends it again (RedisPublishAtMostOnceTests).
        RedisKey[] keys = [_keys.Epoch, _keys.Sequence, _keys.Stream(target), _keys.StreamMeta(target), _keys.Checkpoints];
        RedisValue[] args =
        [
            EpochGenerator.NewEpoch(),
            (string)_keys.Channel(target)!,
            (int)target.Kind,
            target.Key,
            eventName,
            data,
            _time.GetUtcNow().ToUnixTimeMilliseconds(),
            _retention.MaxEventsPerStream,
            maxAge,
            maxAge + (long)_options.StreamExpiryMargin.TotalMilliseconds,
            MetaExpiryMilliseconds,
            64,
            coalesceKey ?? "",
            CheckpointBucketMilliseconds,
            (long)ForgetHorizon.TotalMilliseconds,
        ];
        return _connection.RunAsync("publish", async redis =>
        {
            var result = (RedisResult[])(await _scripts.Publish.EvaluateAsync(redis.GetDatabase(), keys, args).ConfigureAwait(false))!;
            var receipt = new PublishReceipt(new EventCursor((string)result[0]!, (long)result[1]), (long)result[2]);
            _connection.Observe(receipt.Cursor.Epoch, receipt.Cursor.Position);
            return receipt;
        }, cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>The earlier of the membership lapse horizon and how long a stream's trimmed-through marker outlives its newest event.</remarks>
    public TimeSpan CursorHorizon => ForgetHorizon;

    /// <inheritdoc />
    public Task<EventCursor> PublishWatermarkAsync(CancellationToken cancellationToken = default)
    {
        RedisKey[] keys = [_keys.Epoch, _keys.Sequence, _keys.Checkpoints];
        RedisValue[] args =
        [
            EpochGenerator.NewEpoch(),
            (string)_keys.Channel(SseTarget.All)!,
            _time.GetUtcNow().ToUnixTimeMilliseconds(),
            CheckpointBucketMilliseconds,
            (long)ForgetHorizon.TotalMilliseconds,
        ];
        return _connection.RunAsync("watermark", async redis =>
        {
            var result = (RedisResult[])(await _scripts.Watermark.EvaluateAsync(redis.GetDatabase(), keys, args).ConfigureAwait(false))!;
            var cursor = new EventCursor((string)result[0]!, (long)result[1]);
            _connection.Observe(cursor.Epoch, cursor.Position);
            return cursor;
        }, cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>True when any silo subscribes the client's channel (<c>PUBSUB NUMSUB</c>); silos subscribe it only while they hold a connection for the client.</remarks>
    public Task<bool> IsOnlineAsync(string clientId, CancellationToken cancellationToken = default) =>
        _connection.RunAsync("online", async redis =>
        {
            var result = await _scripts.Online.EvaluateAsync(
                redis.GetDatabase(), [], [(string)_keys.Channel(SseTarget.Client(clientId))!]).ConfigureAwait(false);
            return (long)result > 0;
        }, cancellationToken);

    /// <inheritdoc />
    public Task DisconnectAsync(string clientId, CancellationToken cancellationToken = default) =>
        _connection.RunAsync("disconnect", async redis =>
        {
            var result = await _scripts.Disconnect.EvaluateAsync(
                redis.GetDatabase(),
                [_keys.Epoch, _keys.Sequence],
                [EpochGenerator.NewEpoch(), (string)_keys.Channel(SseTarget.Client(clientId))!, clientId]).ConfigureAwait(false);
            return (long)result;
        }, cancellationToken);

    /// <inheritdoc />
    public async Task<IAsyncDisposable> SubscribeAsync(SseTarget target, Action<BackplaneMessage> onMessage, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(onMessage);
        var channel = _keys.Channel(target);

        // Assigned when RunAsync calls the action, before the SUBSCRIBE goes out (null if it failed sooner).
        RedisSubscription? subscription = null;
        try
        {
            return await _connection.RunAsync<IAsyncDisposable>("subscribe", async redis =>
            {
                var subscriber = redis.GetSubscriber();
                subscription = new RedisSubscription(subscriber, channel, onMessage, _logger, _connection.OperationTimeout, _connection);
                await subscriber.SubscribeAsync(channel, subscription.Handler).ConfigureAwait(false);
                return subscription;
            }, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // Failed, timed out or cancelled: the client keeps the handler registered (and resubscribes
            // it after a reconnect; a SUBSCRIBE answered late makes it live), but nobody holds it.
            subscription?.Abandon();
            throw;
        }
    }

    /// <inheritdoc />
    public Task<HistoryResult> ReadHistoryAsync(IReadOnlyCollection<SseTarget> targets, EventCursor after, CancellationToken cancellationToken = default) =>
        ReadHistoryAsync(targets, after, new Dictionary<SseTarget, long>(), cancellationToken);

    /// <inheritdoc />
    public Task<HistoryResult> ReadHistoryAsync(IReadOnlyCollection<SseTarget> targets, EventCursor after, IReadOnlyDictionary<SseTarget, long> joinedAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentNullException.ThrowIfNull(joinedAt);
        var distinct = targets.Distinct().ToArray();
        var keys = new RedisKey[3 + (2 * distinct.Length)];
        keys[0] = _keys.Epoch;
        keys[1] = _keys.Sequence;
        keys[2] = _keys.Checkpoints;
        for (var i = 0; i < distinct.Length; i++)
        {
            keys[3 + (2 * i)] = _keys.Stream(distinct[i]);
            keys[4 + (2 * i)] = _keys.StreamMeta(distinct[i]);
        }

        RedisValue[] args =
        [
            after.Epoch ?? "",
            after.Position.ToString(CultureInfo.InvariantCulture),
            _time.GetUtcNow().ToUnixTimeMilliseconds(),
            (long)_retention.MaxAge.TotalMilliseconds,
            _retention.MaxReplayEvents,
            CheckpointBucketMilliseconds,
            (long)ForgetHorizon.TotalMilliseconds,
            _retention.MaxReplayBytes,
            .. distinct.Select(t => (RedisValue)joinedAt.GetValueOrDefault(t)),
        ];
        return _connection.RunAsync("history", async redis =>
        {
            var result = (RedisResult[])(await _scripts.History.EvaluateAsync(redis.GetDatabase(), keys, args).ConfigureAwait(false))!;
            return ToHistory(result, distinct, after.Epoch!, _retention);
        }, cancellationToken);
    }

    /// <summary>Closes the connection. Subscriptions end with it; later operations throw <see cref="ObjectDisposedException"/>.</summary>
    public ValueTask DisposeAsync() => _connection.DisposeAsync();

    /// <summary>
    /// Closes the connection without waiting: a connection still being set up is closed once that
    /// attempt ends. Subscriptions end with it; later operations throw <see cref="ObjectDisposedException"/>.
    /// </summary>
    public void Dispose() => _connection.Dispose();

    private static HistoryResult ToHistory(RedisResult[] result, SseTarget[] targets, string epoch, RetentionOptions retention)
    {
        if ((long)result[0] == 0)
        {
            return new HistoryResult(false, []);
        }

        var events = new List<BackplaneMessage>((result.Length - 2) / 5);
        for (var i = 2; i + 4 < result.Length; i += 5)
        {
            var target = targets[(int)(long)result[i] - 1];
            var key = (string)result[i + 4];
            events.Add(new BackplaneMessage(
                target, MessageKind.Event, (long)result[i + 1], epoch, (string)result[i + 2]!, (string)result[i + 3]!, string.IsNullOrEmpty(key) ? null : key));
        }

        events.Sort(static (a, b) => a.Position.CompareTo(b.Position));
        var deduped = new List<BackplaneMessage>(events.Count);
        foreach (var message in events)
        {
            if (deduped.Count == 0 || deduped[^1].Position != message.Position)
            {
                deduped.Add(message);
            }
        }

        return HistoryResult.WithinReplayBounds((long)result[1] == 1, deduped, retention);
    }
}

using Microsoft.Extensions.Logging;
using OrleansSse.Backplane;
using StackExchange.Redis;

namespace OrleansSse.Redis;

/// <summary>One <see cref="ISseBackplane.SubscribeAsync"/> call: a handler on a target's channel.</summary>
internal sealed class RedisSubscription : IAsyncDisposable
{
    private readonly ISubscriber _subscriber;
    private readonly RedisChannel _channel;
    private readonly Action<BackplaneMessage> _onMessage;
    private readonly ILogger _logger;
    private readonly TimeSpan _timeout;
    private readonly RedisConnection _connection;
    private int _disposed;

    public RedisSubscription(ISubscriber subscriber, RedisChannel channel, Action<BackplaneMessage> onMessage, ILogger logger, TimeSpan timeout, RedisConnection connection)
    {
        _connection = connection;
        _subscriber = subscriber;
        _channel = channel;
        _onMessage = onMessage;
        _logger = logger;
        _timeout = timeout;
        Handler = OnMessage;
    }

    /// <summary>The delegate registered with the client (the same instance is needed to unsubscribe).</summary>
    public Action<RedisChannel, RedisValue> Handler { get; }

    /// <summary>
    /// Drops the handler of a subscribe that failed or timed out, without waiting for Redis: the
    /// client removes it locally at once, so it is neither delivered to nor resubscribed after a
    /// reconnect, and the UNSUBSCRIBE goes out behind a SUBSCRIBE still pending on the same
    /// connection, so a late answer leaves the channel unsubscribed.
    /// </summary>
    public void Abandon()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            _subscriber.Unsubscribe(_channel, Handler, CommandFlags.FireAndForget);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException)
        {
            RedisBackplaneLog.UnsubscribeFailed(_logger, _channel.ToString(), ex);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            // The client drops the handler locally at once; the UNSUBSCRIBE (sent when this was the
            // channel's last handler) may fail while Redis is down, which leaves nothing subscribed
            // after the reconnect either.
            await _subscriber.UnsubscribeAsync(_channel, Handler).WaitAsync(_timeout).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException)
        {
            RedisBackplaneLog.UnsubscribeFailed(_logger, _channel.ToString(), ex);
        }
    }

    private void OnMessage(RedisChannel channel, RedisValue value)
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            return;
        }

        byte[]? bytes = value;
        if (bytes is null || !RedisProtocol.TryDecode(bytes, out var message))
        {
            RedisBackplaneLog.MalformedMessage(_logger, channel.ToString(), bytes?.Length ?? 0);
            return;
        }

        _connection.Observe(message!.Epoch, message.Position);
        _connection.Deliver(() =>
        {
            if (Volatile.Read(ref _disposed) != 0)
            {
                return;
            }

            try
            {
                _onMessage(message!);
            }
            catch (Exception ex)
            {
                RedisBackplaneLog.HandlerFailed(_logger, channel.ToString(), ex);
            }
        });
    }
}

using Microsoft.Extensions.Logging;
using OrleansSse.Backplane;
using OrleansSse.Grains;
using OrleansSse.Redis;

namespace OrleansSse.Client;

/// <summary>
/// <see cref="ISseCluster"/> straight over the cluster's Redis: the service joins the cluster as a
/// client (like an Orleans cluster client) and publishes, manages groups and asks for presence
/// exactly as a silo does, with no HTTP hop. It holds no connections of its own. Thread-safe: one
/// instance serves every caller (its only state is the thread-safe Redis connection).
/// </summary>
/// <remarks>
/// Limits: it bypasses the silos' HTTP checks — publisher keys, publish rate limits, body limits and
/// <c>Limits:MaxGroupsPerClient</c> — so it is for trusted services inside the cluster's network.
/// Its key prefix and retention must equal the silos'. While Redis is unreachable every operation
/// fails with <see cref="BackplaneUnavailableException"/>; the connection keeps retrying in the
/// background. Dispose it (synchronously or asynchronously) to close the Redis connection; after
/// that every operation throws <see cref="ObjectDisposedException"/>.
/// </remarks>
public sealed class RedisSseCluster : ISseCluster, IAsyncDisposable, IDisposable
{
    private readonly RedisBackplane _backplane;
    private readonly SseCluster _cluster;

    /// <summary>Creates the client and starts connecting in the background; the first operations wait for the connection (up to the operation timeout).</summary>
    /// <param name="options">The Redis settings: configuration string, key prefix and retention, all as the silos use them.</param>
    /// <param name="logger">Receives the backplane's connection log.</param>
    public RedisSseCluster(RedisBackplaneOptions options, ILogger? logger = null)
        : this(new RedisBackplane(options, logger))
    {
    }

    private RedisSseCluster(RedisBackplane backplane)
    {
        _backplane = backplane;
        _cluster = new SseCluster(backplane);
    }

    /// <summary>Whether Redis is reachable now, and why not.</summary>
    public BackplaneHealth Health => _backplane.Health;

    /// <summary>
    /// Creates the client and waits for its first connection attempt. It returns even when Redis is
    /// unreachable (see <see cref="Health"/>); operations then fail until Redis is back.
    /// </summary>
    public static async Task<RedisSseCluster> ConnectAsync(RedisBackplaneOptions options, ILogger? logger = null, CancellationToken cancellationToken = default)
    {
        var backplane = await RedisBackplane.ConnectAsync(options, logger, cancellationToken).ConfigureAwait(false);
        return new RedisSseCluster(backplane);
    }

    /// <inheritdoc />
    public IClientGrain GetClient(string clientId) => _cluster.GetClient(clientId);

    /// <inheritdoc />
    public IGroupGrain GetGroup(string name) => _cluster.GetGroup(name);

    /// <inheritdoc />
    public IBroadcastGrain GetBroadcast() => _cluster.GetBroadcast();

    /// <summary>Reads the cluster's current position: a round trip that proves Redis answers.</summary>
    /// <exception cref="BackplaneUnavailableException">Redis is unreachable.</exception>
    /// <exception cref="ObjectDisposedException">The client was disposed.</exception>
    public async Task<EventCursor> PingAsync(CancellationToken cancellationToken = default) =>
        await _backplane.GetCurrentAsync(cancellationToken).ConfigureAwait(false);

    /// <summary>Closes the Redis connection.</summary>
    public ValueTask DisposeAsync() => _backplane.DisposeAsync();

    /// <summary>Closes the Redis connection without waiting for anything (for a container disposed synchronously).</summary>
    public void Dispose() => _backplane.Dispose();
}

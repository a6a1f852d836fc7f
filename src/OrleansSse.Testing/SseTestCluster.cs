using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OrleansSse.Backplane;
using OrleansSse.Connections;
using OrleansSse.Grains;
using OrleansSse.Redis;
using OrleansSse.Silo;

namespace OrleansSse.Testing;

/// <summary>
/// Several OrleansSse silos in this process, each a real Kestrel host on a free loopback port,
/// sharing one backplane — like Orleans' <c>TestCluster</c>. Start with <see cref="StartAsync"/>,
/// publish through <see cref="Client"/> or any silo's HTTP API, open streams with
/// <see cref="ConnectAsync(int, string?, IEnumerable{string}?, string?, bool, CancellationToken)"/>,
/// stop (<see cref="StopSiloAsync"/>) or kill (<see cref="KillSiloAsync"/>) silos. Limits: silos
/// share the process (static state, GC, thread pool); with <see cref="SseTestBackplane.Redis"/>
/// the caller runs the Redis server. Thread-safety: opening connections, publishing through
/// <see cref="Client"/> and reading may run on several threads at once, and
/// <see cref="StartAdditionalSiloAsync"/> calls run one at a time; but do not stop or kill a silo
/// while another thread starts one or opens a connection to it.
/// </summary>
public sealed class SseTestCluster : IAsyncDisposable
{
    private readonly List<SseTestSilo> _silos = [];
    private readonly List<IAsyncDisposable> _connections = [];
    private readonly SemaphoreSlim _gate = new(1, 1);
    private ISseCluster? _client;
    private RedisBackplane? _clientBackplane;

    private SseTestCluster(SseTestClusterOptions options)
    {
        Options = options;
        if (options.Backplane.Kind == SseTestBackplaneKind.Redis)
        {
            KeyPrefix = options.Backplane.KeyPrefix ?? "ssetest-" + Guid.NewGuid().ToString("N")[..12];
        }

        if (options.Backplane.Kind == SseTestBackplaneKind.SharedInMemory)
        {
            var retention = new RetentionOptions();
            new ConfigurationBuilder().AddInMemoryCollection(options.Settings).Build()
                .GetSection("OrleansSse:Retention").Bind(retention);
            SharedBackplane = new InMemoryBackplane(retention, options.Time);
            _client = new SseCluster(SharedBackplane);
        }
    }

    /// <summary>The options the cluster was started with.</summary>
    public SseTestClusterOptions Options { get; }

    /// <summary>The silos, by index; stopped and killed ones stay in place with <see cref="SseTestSilo.IsRunning"/> false.</summary>
    public IReadOnlyList<SseTestSilo> Silos => _silos;

    /// <summary>The backplane every silo shares, for <see cref="SseTestBackplaneKind.SharedInMemory"/>; else null.</summary>
    public InMemoryBackplane? SharedBackplane { get; }

    /// <summary>
    /// The Redis key prefix the silos get unless <see cref="SseTestClusterOptions.Settings"/> sets
    /// <c>OrleansSse:Backplane:KeyPrefix</c>: <see cref="SseTestBackplane.KeyPrefix"/>, or one made up
    /// for this cluster (<c>ssetest-…</c>). Null with the in-memory backplane.
    /// </summary>
    public string? KeyPrefix { get; }

    /// <summary>
    /// A cluster client of its own, independent of any silo, so it keeps working while silos are
    /// stopped, killed or added: grains over the shared backplane (in-memory), or over a Redis
    /// connection of its own with the silos' settings (Redis; closed by <see cref="DisposeAsync"/>).
    /// </summary>
    public ISseCluster Client => _client ?? throw new InvalidOperationException("The cluster has no silo yet.");

    /// <summary>Starts <see cref="SseTestClusterOptions.Silos"/> silos and returns when all listen.</summary>
    public static async Task<SseTestCluster> StartAsync(SseTestClusterOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new SseTestClusterOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Silos, 1);
        var cluster = new SseTestCluster(options);
        try
        {
            for (var i = 0; i < options.Silos; i++)
            {
                await cluster.StartAdditionalSiloAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            }
        }
        catch
        {
            await cluster.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return cluster;
    }

    /// <summary>
    /// Starts one more silo on the same backplane and returns it (its index is the next one).
    /// <paramref name="listenAddress"/> (e.g. a stopped silo's <see cref="SseTestSilo.BaseAddress"/>)
    /// makes it listen there instead of on a free port: clients pointed at a silo that went away
    /// then reconnect to its replacement.
    /// </summary>
    public async Task<SseTestSilo> StartAdditionalSiloAsync(Uri? listenAddress = null, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var index = _silos.Count;
            var settings = BuildSettings(index);
            if (listenAddress is not null)
            {
                settings["urls"] = listenAddress.GetLeftPart(UriPartial.Authority);
            }

            var app = SiloApplication.Build(["--urls", "http://127.0.0.1:0"], builder =>
            {
                builder.Configuration.AddInMemoryCollection(settings);
                if (Options.Time is { } time)
                {
                    builder.Services.AddSingleton(time);
                }

                if (SharedBackplane is not null)
                {
                    builder.Services.AddSingleton<ISseBackplane>(SharedBackplane);
                }

                Options.Configure?.Invoke(builder);
            });
            try
            {
                await app.StartAsync(cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                await app.DisposeAsync().ConfigureAwait(false); // e.g. its port was taken
                throw;
            }

            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
                ?? throw new InvalidOperationException("The silo reported no listening address.");
            var silo = new SseTestSilo(index, settings["OrleansSse:SiloName"]!, app, new Uri(address.TrimEnd('/') + "/"));
            _silos.Add(silo);
            _client ??= CreateClient(app.Services);
            return silo;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Stops a silo gracefully (<c>StopAsync</c>): it stops accepting and drains its streams.</summary>
    public Task StopSiloAsync(int index) => StopAsync(Running(index), kill: false);

    /// <summary>
    /// Kills a silo: every local stream is cut at once (<see cref="ConnectionRegistry.AbortAll"/>, no
    /// retry hint) and the host stops with an already-cancelled token, so nothing drains.
    /// </summary>
    public Task KillSiloAsync(int index) => StopAsync(Running(index), kill: true);

    /// <summary>
    /// Opens <c>GET /api/sse</c> on a silo and waits for its <c>connected</c> event. When the silo
    /// refuses (4xx/5xx) the connection is returned with its status and <see cref="SseTestConnection.ErrorBody"/>.
    /// </summary>
    /// <param name="siloIndex">Which silo.</param>
    /// <param name="clientId">The <c>client_id</c> query value; null lets the silo generate one.</param>
    /// <param name="groups">The <c>groups</c> query value (joined with commas).</param>
    /// <param name="lastEventId">The resume cursor.</param>
    /// <param name="useHeader">Send <paramref name="lastEventId"/> as the <c>Last-Event-ID</c> header (true) or the <c>last_event_id</c> query (false).</param>
    /// <param name="cancellationToken">Cancels the open.</param>
    public Task<SseTestConnection> ConnectAsync(
        int siloIndex, string? clientId = null, IEnumerable<string>? groups = null, string? lastEventId = null, bool useHeader = true,
        CancellationToken cancellationToken = default)
    {
        var path = StreamPath(clientId, groups, useHeader ? null : lastEventId);
        var headers = useHeader && lastEventId is not null ? new Dictionary<string, string> { ["Last-Event-ID"] = lastEventId } : null;
        return ConnectPathAsync(siloIndex, path, headers, cancellationToken);
    }

    /// <summary>Opens a stream with an exact path and query and extra request headers.</summary>
    public async Task<SseTestConnection> ConnectPathAsync(
        int siloIndex, string pathAndQuery, IEnumerable<KeyValuePair<string, string>>? headers = null, CancellationToken cancellationToken = default)
    {
        var connection = await SseTestConnection.OpenAsync(Running(siloIndex).StreamHttp, pathAndQuery, headers, Options.Timeout, cancellationToken).ConfigureAwait(false);
        Track(connection);
        return connection;
    }

    /// <summary>Opens a stream whose body is read as bytes, for exact-byte tests (see <see cref="SseRawConnection"/>).</summary>
    public async Task<SseRawConnection> ConnectRawAsync(
        int siloIndex, string pathAndQuery, IEnumerable<KeyValuePair<string, string>>? headers = null, CancellationToken cancellationToken = default)
    {
        var connection = await SseRawConnection.OpenAsync(Running(siloIndex).StreamHttp, pathAndQuery, headers, Options.Timeout, cancellationToken).ConfigureAwait(false);
        Track(connection);
        return connection;
    }

    /// <summary>Opens a stream on a raw socket that never reads (see <see cref="SseStalledConnection"/>).</summary>
    public async Task<SseStalledConnection> ConnectStalledAsync(int siloIndex, string clientId, CancellationToken cancellationToken = default)
    {
        var connection = await SseStalledConnection.OpenAsync(Running(siloIndex).BaseAddress, StreamPath(clientId, null, null), cancellationToken).ConfigureAwait(false);
        Track(connection);
        return connection;
    }

    /// <summary><c>/api/sse</c> with the given query values (URL-encoded; nulls omitted).</summary>
    public static string StreamPath(string? clientId = null, IEnumerable<string>? groups = null, string? lastEventId = null)
    {
        var query = new List<string>();
        if (clientId is not null)
        {
            query.Add("client_id=" + Uri.EscapeDataString(clientId));
        }

        if (groups is not null)
        {
            query.Add("groups=" + string.Join(",", groups.Select(Uri.EscapeDataString)));
        }

        if (lastEventId is not null)
        {
            query.Add("last_event_id=" + Uri.EscapeDataString(lastEventId));
        }

        return query.Count == 0 ? "/api/sse" : "/api/sse?" + string.Join("&", query);
    }

    /// <summary>
    /// Closes every connection opened through the cluster (stalled ones included), stops every
    /// running silo gracefully and closes <see cref="Client"/>'s own Redis connection. A failure does
    /// not stop the rest: everything is tried, then the failures are thrown together
    /// (<see cref="AggregateException"/>).
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        IAsyncDisposable[] connections;
        lock (_connections)
        {
            connections = [.. _connections];
            _connections.Clear();
        }

        var failures = new List<Exception>();
        foreach (var connection in connections)
        {
            try
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                failures.Add(ex);
            }
        }

        var stops = _silos.Where(s => s.IsRunning).Select(s => StopAsync(s, kill: false)).ToArray();
        try
        {
            await Task.WhenAll(stops).ConfigureAwait(false);
        }
        catch
        {
            failures.AddRange(stops.Where(t => t.IsFaulted).SelectMany(t => t.Exception!.InnerExceptions));
            failures.AddRange(stops.Where(t => t.IsCanceled).Select(_ => new TaskCanceledException("A silo's stop was canceled.")));
        }

        foreach (var silo in _silos)
        {
            silo.DisposeClients();
        }

        try
        {
            if (_clientBackplane is not null)
            {
                await _clientBackplane.DisposeAsync().ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            failures.Add(ex);
        }

        _gate.Dispose();
        if (failures.Count > 0)
        {
            throw new AggregateException("Disposing the test cluster failed.", failures);
        }
    }

    internal static SocketsHttpHandler CreateHandler() => new()
    {
        UseProxy = false,
        AutomaticDecompression = DecompressionMethods.None,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
    };

    private Dictionary<string, string?> BuildSettings(int index)
    {
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["urls"] = "http://127.0.0.1:0",
            ["OrleansSse:SiloName"] = $"silo-{index}",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        if (Options.Backplane.Kind == SseTestBackplaneKind.Redis)
        {
            settings["OrleansSse:Backplane:Kind"] = "Redis";
            settings["OrleansSse:Backplane:Redis"] = Options.Backplane.RedisConfiguration;
            settings["OrleansSse:Backplane:KeyPrefix"] = KeyPrefix;
        }

        foreach (var (key, value) in Options.Settings)
        {
            settings[key] = value;
        }

        return settings;
    }

    /// <summary>
    /// The cluster's client, made when the first silo has started: over the shared in-memory
    /// backplane (made in the constructor), or over a Redis connection of its own with the options
    /// the silo's backplane was built from (configuration string, prefix, retention, timeouts), so
    /// that it outlives the silo. A silo whose backplane a test replaced lends its own client.
    /// </summary>
    private ISseCluster CreateClient(IServiceProvider silo)
    {
        if (silo.GetRequiredService<ISseBackplane>() is not RedisBackplane)
        {
            return silo.GetRequiredService<ISseCluster>();
        }

        // The silo only reads these options: sharing the instance keeps every setting it used.
        var options = silo.GetRequiredService<IOptions<RedisBackplaneOptions>>().Value;
        _clientBackplane = new RedisBackplane(options, logger: null, Options.Time);
        return new SseCluster(_clientBackplane);
    }

    private SseTestSilo Running(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, _silos.Count);
        var silo = _silos[index];
        return silo.IsRunning ? silo : throw new InvalidOperationException($"Silo {index} ({silo.Name}) is not running.");
    }

    private void Track(IAsyncDisposable connection)
    {
        lock (_connections)
        {
            _connections.Add(connection);
        }
    }

    private async Task StopAsync(SseTestSilo silo, bool kill)
    {
        silo.IsRunning = false;
        try
        {
            if (kill)
            {
                silo.Services.GetRequiredService<ConnectionRegistry>().AbortAll();
                await silo.App.StopAsync(new CancellationToken(canceled: true)).ConfigureAwait(false);
            }
            else
            {
                using var cts = new CancellationTokenSource(Options.Timeout);
                await silo.App.StopAsync(cts.Token).ConfigureAwait(false);
            }
        }
        finally
        {
            // Stopped or not (a stop that timed out), the silo is let go.
            await silo.App.DisposeAsync().ConfigureAwait(false);
        }
    }
}

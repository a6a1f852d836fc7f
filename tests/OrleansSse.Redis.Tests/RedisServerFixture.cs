using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using OrleansSse.Backplane;

namespace OrleansSse.Redis.Tests;

/// <summary>
/// A real <c>redis-server</c> on a free loopback port, for tests. Use it as an xunit class
/// fixture, or create one per test that stops and starts Redis. <see cref="StopAsync"/> with
/// <c>keepData: true</c> saves a snapshot first, so the next <see cref="StartAsync"/> (same port,
/// same directory) loads it: "Redis restarted"; with <c>keepData: false</c> the server is killed
/// and its files are deleted: "Redis restarted without its data".
/// </summary>
public sealed class RedisServerFixture : IAsyncLifetime, IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(15);
    private readonly string _directory = Directory.CreateTempSubdirectory("orleanssse-redis-").FullName;
    private Process? _process;
    private bool _started;

    /// <summary>The server's port (the same across restarts).</summary>
    public int Port { get; private set; } = FreePort();

    /// <summary>A StackExchange.Redis configuration string for this server.</summary>
    public string Configuration => $"127.0.0.1:{Port}";

    /// <summary>Whether the server process is running.</summary>
    public bool IsRunning => _process is { HasExited: false };

    /// <summary>
    /// Options for a backplane on this server, with a prefix unique to the caller and the product's
    /// <see cref="RedisBackplaneOptions.OperationTimeout"/> unless <paramref name="operationTimeout"/>
    /// says otherwise (a shorter one only where a test waits for it to pass: on a loaded machine a
    /// healthy operation can take seconds).
    /// </summary>
    public RedisBackplaneOptions CreateOptions(string? prefix = null, RetentionOptions? retention = null, TimeSpan? operationTimeout = null)
    {
        var options = new RedisBackplaneOptions
        {
            Configuration = Configuration,
            KeyPrefix = prefix ?? "test-" + Guid.NewGuid().ToString("N")[..12],
            Retention = retention ?? new RetentionOptions(),
        };
        if (operationTimeout is { } timeout)
        {
            options.OperationTimeout = timeout;
        }

        return options;
    }

    /// <summary>Several backplanes ("silos") sharing one key prefix (<paramref name="prefix"/>, or one unique to the call) on this server, each connected.</summary>
    public async Task<RedisBackplane[]> CreateBackplanesAsync(
        int silos, RetentionOptions? retention = null, TimeProvider? time = null, string? prefix = null, TimeSpan? operationTimeout = null)
    {
        prefix ??= "test-" + Guid.NewGuid().ToString("N")[..12];
        var backplanes = new RedisBackplane[silos];
        for (var i = 0; i < silos; i++)
        {
            backplanes[i] = new RedisBackplane(CreateOptions(prefix, retention, operationTimeout), time: time);
        }

        foreach (var backplane in backplanes)
        {
            await WaitUntilAsync(() => backplane.Health.Healthy, "backplane connected");
        }

        return backplanes;
    }

    /// <summary>Starts the server (no-op if it runs) and waits until it answers PING.</summary>
    public async Task StartAsync()
    {
        if (IsRunning)
        {
            return;
        }

        // The port was only checked free, not reserved: another server started in parallel may
        // take it first. Before the first start no one knows the port yet, so take another one.
        for (var attempt = 1; !_started; attempt++)
        {
            try
            {
                await StartOnceAsync();
                _started = true;
            }
            catch (RedisExitedException) when (attempt < 3)
            {
                _process?.Dispose();
                _process = null;
                Port = FreePort();
            }
        }

        if (!IsRunning)
        {
            await StartOnceAsync();
        }
    }

    private async Task StartOnceAsync()
    {
        var start = new ProcessStartInfo("/usr/bin/redis-server")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
        {
            "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1",
            "--save", "", "--appendonly", "no", "--dir", _directory, "--dbfilename", "dump.rdb",
            "--protected-mode", "no", "--daemonize", "no",
        })
        {
            start.ArgumentList.Add(arg);
        }

        _process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start.");
        var errors = new StringBuilder();
        _process.ErrorDataReceived += (_, e) => { lock (errors) { errors.AppendLine(e.Data); } };
        _process.BeginErrorReadLine();
        var output = new StringBuilder();
        _process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        _process.BeginOutputReadLine();
        await WaitUntilAsync(() => _process.HasExited ? throw new RedisExitedException(Port, Text(output) + Text(errors)) : Ping(), "redis-server answers PING");
    }

    private static string Text(StringBuilder text)
    {
        lock (text)
        {
            return text.ToString();
        }
    }

    /// <summary>Stops the server: with a snapshot of its data (<c>SHUTDOWN SAVE</c>) or killed, data deleted.</summary>
    public async Task StopAsync(bool keepData)
    {
        if (_process is null)
        {
            return;
        }

        if (!_process.HasExited)
        {
            await SetPausedAsync(false);
        }

        if (keepData && !_process.HasExited)
        {
            Send("SHUTDOWN SAVE");
        }
        else if (!_process.HasExited)
        {
            _process.Kill();
        }

        await _process.WaitForExitAsync().WaitAsync(StartTimeout);
        _process.Dispose();
        _process = null;
        if (!keepData)
        {
            foreach (var file in Directory.GetFiles(_directory))
            {
                File.Delete(file);
            }
        }
    }

    /// <summary>Writes a snapshot now (<c>SAVE</c>): after <see cref="StopWithoutSavingAsync"/> the server restarts from it.</summary>
    public void Save()
    {
        var reply = Send("SAVE");
        if (reply != "+OK")
        {
            throw new InvalidOperationException("SAVE failed: " + reply);
        }
    }

    /// <summary>
    /// Stops without saving (<c>SHUTDOWN NOSAVE</c>) and keeps the files: the next <see cref="StartAsync"/>
    /// loads the last snapshot, so every write since <see cref="Save"/> is lost while the keys written
    /// before it survive (what a crash under <c>appendfsync everysec</c> does to its last second).
    /// </summary>
    public async Task StopWithoutSavingAsync()
    {
        if (_process is null)
        {
            return;
        }

        Send("SHUTDOWN NOSAVE");
        await _process.WaitForExitAsync().WaitAsync(StartTimeout);
        _process.Dispose();
        _process = null;
    }

    /// <summary>Freezes (SIGSTOP) or thaws (SIGCONT) the server: connections stay open but nothing answers.</summary>
    public async Task SetPausedAsync(bool paused)
    {
        var pid = _process?.Id ?? throw new InvalidOperationException("redis-server is not running.");
        using var kill = Process.Start("/bin/kill", [paused ? "-STOP" : "-CONT", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync().WaitAsync(StartTimeout);
    }

    /// <summary>
    /// Brings the expiry of every key under <paramref name="keyPrefix"/> <paramref name="elapsed"/>
    /// closer, deleting the keys it reaches: what that much time passing does to them. Redis expires
    /// keys in real time, so a test that moves a backplane's manual clock calls this to age its keys
    /// with it. Returns how many keys expired.
    /// </summary>
    public async Task<int> ElapseExpiryAsync(string keyPrefix, TimeSpan elapsed)
    {
        const string script = """
            local expired = 0
            local elapsed = tonumber(ARGV[2])
            for _, key in ipairs(redis.call('KEYS', ARGV[1])) do
              local ttl = redis.call('PTTL', key)
              if ttl > 0 and ttl <= elapsed then
                redis.call('DEL', key)
                expired = expired + 1
              elseif ttl > 0 then
                redis.call('PEXPIRE', key, string.format('%d', ttl - elapsed))
              end
            end
            return expired
            """;
        using var raw = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(Configuration);
        var result = await raw.GetDatabase().ScriptEvaluateAsync(script, values: ["{" + keyPrefix + "}:*", (long)elapsed.TotalMilliseconds]);
        return (int)result;
    }

    /// <summary>Stops and starts again on the same port.</summary>
    public async Task RestartAsync(bool keepData)
    {
        await StopAsync(keepData);
        await StartAsync();
    }

    /// <summary>Runs one inline command (e.g. <c>DEL key</c>) and returns the raw reply's first line.</summary>
    public string Send(string command)
    {
        using var client = new TcpClient();
        client.Connect(IPAddress.Loopback, Port);
        var stream = client.GetStream();
        stream.ReadTimeout = 5000;
        stream.Write(Encoding.UTF8.GetBytes(command + "\r\n"));
        var buffer = new byte[4096];
        try
        {
            var read = stream.Read(buffer);
            return Encoding.UTF8.GetString(buffer, 0, read).Split("\r\n")[0];
        }
        catch (IOException)
        {
            return ""; // SHUTDOWN closes the connection without a reply.
        }
    }

    Task IAsyncLifetime.InitializeAsync() => StartAsync();

    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();

    /// <summary>Kills the server and deletes its directory.</summary>
    public async ValueTask DisposeAsync()
    {
        await StopAsync(keepData: false);
        Directory.Delete(_directory, recursive: true);
    }

    /// <summary>Polls <paramref name="condition"/> until it holds, failing after a timeout.</summary>
    public static async Task WaitUntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = Stopwatch.StartNew();
        var limit = timeout ?? StartTimeout;
        while (!condition())
        {
            if (deadline.Elapsed > limit)
            {
                throw new TimeoutException($"Timed out waiting for: {what}.");
            }

            await Task.Delay(25);
        }
    }

    private bool Ping()
    {
        try
        {
            return Send("PING") == "+PONG";
        }
        catch (SocketException)
        {
            return false;
        }
    }

    // Below Linux's ephemeral range (32768-60999), so no outgoing connection of a test running in
    // parallel can take the port, neither before the first start nor between a stop and a restart.
    private static int FreePort()
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var port = Random.Shared.Next(20000, 32000);
            try
            {
                var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                listener.Stop();
                return port;
            }
            catch (SocketException)
            {
                // Taken; try another.
            }
        }

        throw new InvalidOperationException("No free loopback port found for redis-server.");
    }

    private sealed class RedisExitedException(int port, string output)
        : InvalidOperationException($"redis-server on port {port} exited before answering PING:\n{output}");
}

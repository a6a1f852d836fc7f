using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;

namespace OrleansSse.Cluster.Tests;

/// <summary>
/// <c>deploy/local-cluster.sh</c> on this machine: redis-server, three silo processes and Debian's
/// nginx on free loopback ports. A stream opened through nginx receives what is published through
/// nginx, a body over nginx's own limit gets a JSON problem like the silo's, and SIGTERM to the
/// script (streams still open) leaves no process behind and stops Redis only after the silos, so no
/// silo logs a lost Redis connection while it exits.
/// </summary>
public sealed class LocalClusterScriptTests
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task LocalClusterComesUpAndDeliversThroughNginxThenStopsCleanlyRedisLast()
    {
        // Five consecutive free ports, so none of them can be picked twice: nginx, Redis, three silos.
        var port = FreePorts.Consecutive(5);
        var redisPort = port + 1;
        var siloBase = port + 2;
        var runDir = Directory.CreateTempSubdirectory("orleanssse-local-cluster-").FullName;
        var start = new ProcessStartInfo("bash")
        {
            WorkingDirectory = Repo.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(Repo.Root, "deploy", "local-cluster.sh"));
        start.Environment["PORT"] = port.ToString(CultureInfo.InvariantCulture);
        start.Environment["REDIS_PORT"] = redisPort.ToString(CultureInfo.InvariantCulture);
        start.Environment["SILO_BASE_PORT"] = siloBase.ToString(CultureInfo.InvariantCulture);
        start.Environment["RUN_DIR"] = runDir;
        // The silo these tests were built with, instead of a Release build of its own.
        start.Environment["SILO_DLL"] = Repo.SiloDll;

        var output = new StringBuilder();
        var up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var script = Process.Start(start)!;
        void OnLine(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (output)
            {
                output.AppendLine(line);
            }

            if (line.StartsWith("cluster up", StringComparison.Ordinal))
            {
                up.TrySetResult();
            }
        }

        script.OutputDataReceived += (_, e) => OnLine(e.Data);
        script.ErrorDataReceived += (_, e) => OnLine(e.Data);
        script.BeginOutputReadLine();
        script.BeginErrorReadLine();
        string Log()
        {
            lock (output)
            {
                return output.ToString();
            }
        }

        IReadOnlyList<(int Pid, string Name)> children = [];
        var readers = new List<(string ClientId, SseReader Reader)>();
        try
        {
            await Task.WhenAny(up.Task, script.WaitForExitAsync()).WaitAsync(StartTimeout);
            Assert.True(up.Task.IsCompleted, "the script exited before 'cluster up':\n" + Log());
            children = ProcessTree.Descendants(script.Id);
            Assert.Contains(children, c => c.Name == "redis-server");
            Assert.Contains(children, c => c.Name == "nginx");
            Assert.Equal(3, children.Count(c => c.Name == "dotnet"));

            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = Wait.Timeout };
            using var streamHttp = new HttpClient { BaseAddress = http.BaseAddress, Timeout = Timeout.InfiniteTimeSpan };
            using (var health = await http.GetAsync("/healthz"))
            {
                Assert.True(health.StatusCode == HttpStatusCode.OK, await health.Content.ReadAsStringAsync());
            }

            await DeliverThroughNginxAsync(http, streamHttp, readers);
            await NginxRefusesAnOversizedBodyWithAJsonProblemAsync(http);

            // The streams stay open: each silo drains its own while it stops.
            Signals.Terminate(script.Id);
            await script.WaitForExitAsync().WaitAsync(Wait.Timeout * 2);
            await Wait.UntilAsync(
                () => Task.FromResult(!children.Any(c => ProcessTree.IsAlive(c.Pid, c.Name))),
                "every process the script started to exit: " + string.Join(", ", children.Where(c => ProcessTree.IsAlive(c.Pid, c.Name))));
            for (var i = 1; i <= 3; i++)
            {
                var log = await File.ReadAllTextAsync(Path.Combine(runDir, $"silo{i}.log"));
                Assert.True(log.Contains("Application is shutting down", StringComparison.Ordinal), $"silo{i} did not stop gracefully:\n{log}");
                Assert.False(log.Contains("RedisConnectionException", StringComparison.Ordinal), $"silo{i} lost Redis while exiting:\n{log}");
            }
        }
        finally
        {
            foreach (var (_, reader) in readers)
            {
                await reader.DisposeAsync();
            }

            // The script may still run (a failed assertion, or it never said "cluster up"): its
            // trap stops what it started on SIGTERM (20 s at most). Whatever outlives that is killed;
            // the tree is read first, because the script's children are re-parented once it exits.
            if (!script.HasExited)
            {
                var started = children.Concat(ProcessTree.Descendants(script.Id)).Distinct().ToList();
                try
                {
                    Signals.Terminate(script.Id);
                    await script.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(25));
                }
                catch (Exception e) when (e is TimeoutException or InvalidOperationException)
                {
                    script.Kill(); // no-op if it exited meanwhile
                }

                children = started;
            }

            foreach (var (pid, name) in children)
            {
                if (ProcessTree.IsAlive(pid, name))
                {
                    using var leftover = Process.GetProcessById(pid);
                    leftover.Kill();
                }
            }

            Directory.Delete(runDir, recursive: true);
        }
    }

    // Streams through nginx land on silos round-robin; publishes through nginx on others.
    // The streams are left open in readers (the caller disposes them).
    private static async Task DeliverThroughNginxAsync(HttpClient http, HttpClient streamHttp, List<(string ClientId, SseReader Reader)> readers)
    {
        var api = new SiloApi(http);
        for (var i = 0; i < 3; i++)
        {
            var clientId = Wait.Unique($"nginx{i}");
            var reader = await SseReader.OpenAsync(streamHttp, $"/api/sse?client_id={clientId}", Wait.Timeout);
            readers.Add((clientId, reader));
            var connected = await reader.NextAsync(Wait.Timeout);
            Assert.Equal("connected", connected.EventType);
            Assert.Contains(clientId, connected.Data, StringComparison.Ordinal);
        }

        foreach (var (clientId, reader) in readers)
        {
            var (id, online) = await api.SendAsync(clientId, "through nginx", "note");
            Assert.True(online, $"{clientId} is connected through nginx");
            var note = await reader.NextAsync(Wait.Timeout);
            Assert.Equal(("note", "through nginx", id), (note.EventType, note.Data, note.EventId));
        }

        var all = await api.BroadcastAsync("everyone");
        foreach (var (_, reader) in readers)
        {
            var evt = await reader.NextAsync(Wait.Timeout);
            Assert.Equal(("message", "everyone", all), (evt.EventType, evt.Data, evt.EventId));
        }
    }

    // Past nginx's client_max_body_size (1 MB) nginx answers itself: a problem body, not its HTML page.
    private static async Task NginxRefusesAnOversizedBodyWithAJsonProblemAsync(HttpClient http)
    {
        using var body = new ByteArrayContent(new byte[(1024 * 1024) + 1]);
        body.Headers.ContentType = new("application/json");
        using var response = await http.PostAsync("/api/sse/broadcast", body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.RequestEntityTooLarge, $"{(int)response.StatusCode} {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(text);
        Assert.Equal(413, problem.RootElement.GetProperty("status").GetInt32());
        Assert.Equal("Request body too large", problem.RootElement.GetProperty("title").GetString());
        Assert.Contains("1048576 bytes", problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("https://tools.ietf.org/html/rfc9110#", problem.RootElement.GetProperty("type").GetString(), StringComparison.Ordinal);
    }
}

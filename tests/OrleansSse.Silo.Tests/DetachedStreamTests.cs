using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OrleansSse.Security.Tests;
using OrleansSse.Testing;

namespace OrleansSse.Silo.Tests;

/// <summary>
/// Plaintext HTTP/1.1 streams leave Kestrel's request processing after the handshake
/// (<c>OrleansSse:Stream:DetachFromKestrel</c>, on by default): the silo writes the chunked body
/// itself. Every other stream test runs on this path too; these check what is specific to it.
/// </summary>
public sealed class DetachedStreamTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task OpenStreamHoldsKestrelsRequestStateOnlyWhenNotDetached(bool detach)
    {
        var requests = new StreamRequests();
        await using var cluster = await SseTestCluster.StartAsync(new SseTestClusterOptions
        {
            Settings = { ["OrleansSse:Stream:DetachFromKestrel"] = detach ? "true" : "false" },
            Configure = builder => builder.Services.AddSingleton<IStartupFilter>(requests),
        });
        await using var stream = await cluster.ConnectAsync(0, "held");
        Assert.Equal(HttpStatusCode.OK, stream.StatusCode);

        // Kestrel's per-request object (its HTTP/1.1 connection state is the request's feature collection).
        if (detach)
        {
            await Wait.UntilAsync(() => Task.FromResult(!requests.AnyAliveAfterCollect()), "Kestrel's request state to be collected");
        }
        else
        {
            Assert.True(requests.AnyAliveAfterCollect(), "the in-Kestrel stream should hold its request");
        }

        // Either way the stream still works.
        var (id, online) = await new SiloApi(cluster.Silos[0].Http).SendAsync("held", "after-detach");
        Assert.True(online);
        Assert.Equal(id, (await stream.NextAsync(e => e.Data == "after-detach", Wait.Timeout)).Id);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ADetachedStreamSaysConnectionCloseAndAnotherRequestAfterItsEndUsesAFreshConnection(bool detach)
    {
        // A detached stream's connection closes after the stream; a pooling client must not send
        // its next request there. A stream that stays in Kestrel keeps its connection reusable.
        await using var cluster = await SseTestCluster.StartAsync(new SseTestClusterOptions
        {
            Settings = { ["OrleansSse:Stream:DetachFromKestrel"] = detach ? "true" : "false" },
        });
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 1, UseProxy = false }) { BaseAddress = cluster.Silos[0].BaseAddress };
        using (var response = await http.GetAsync(SseTestCluster.StreamPath("closing"), HttpCompletionOption.ResponseHeadersRead))
        {
            Assert.Equal(detach, response.Headers.ConnectionClose == true);
            await using var body = await response.Content.ReadAsStreamAsync();
            var first = new byte[64];
            Assert.True(await body.ReadAsync(first).AsTask().WaitAsync(Wait.Timeout) > 0);
            await cluster.Client.GetClient("closing").DisconnectAsync();
            await body.CopyToAsync(Stream.Null).WaitAsync(Wait.Timeout);
        }

        var sent = await http.PostAsync("/api/sse/broadcast", new StringContent("{\"data\":\"next\"}", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Accepted, sent.StatusCode);
    }

    [Fact]
    public async Task DetachedStreamCarriesEventsAndHeartbeatsAsChunks()
    {
        await using var cluster = await SseTestCluster.StartAsync(new SseTestClusterOptions
        {
            Settings = { ["OrleansSse:Stream:HeartbeatInterval"] = "00:00:00.100" },
        });
        var silo = cluster.Silos[0];
        using var stream = await RawHttpStream.OpenAsync(silo.BaseAddress, SseTestCluster.StreamPath("raw"));
        await stream.ReadUntilAsync("event: connected");

        await new SiloApi(silo.Http).SendAsync("raw", "detached-event", "news");
        await stream.ReadUntilAsync("data: detached-event\n\n\r\n");
        await stream.ReadUntilAsync(": heartbeat\n\n\r\n");

        var (headers, chunks) = stream.Parse();
        Assert.Contains("Transfer-Encoding: chunked", headers, StringComparison.Ordinal);
        Assert.StartsWith("event: connected\n", chunks[0], StringComparison.Ordinal);
        Assert.Contains(chunks, c => c.Contains("event: news\ndata: detached-event\n\n", StringComparison.Ordinal));
        Assert.Contains(chunks, c => c.Contains(": heartbeat\n\n", StringComparison.Ordinal));
        Assert.DoesNotContain(chunks, c => c.Length == 0);
    }

    [Fact]
    public async Task KestrelTimeoutsDoNotEndADetachedStream()
    {
        // Past these, Kestrel would close a kept-alive connection and abort one whose response
        // drains too slowly; a detached stream is no longer Kestrel's request.
        await using var cluster = await SseTestCluster.StartAsync(new SseTestClusterOptions
        {
            Settings = { ["OrleansSse:Stream:HeartbeatInterval"] = "00:00:00.200" },
            Configure = builder => builder.WebHost.ConfigureKestrel(kestrel =>
            {
                kestrel.Limits.KeepAliveTimeout = TimeSpan.FromSeconds(1);
                kestrel.Limits.MinResponseDataRate = new MinDataRate(bytesPerSecond: 1_000_000, gracePeriod: TimeSpan.FromSeconds(2));
            }),
        });
        var silo = cluster.Silos[0];
        using var stream = await RawHttpStream.OpenAsync(silo.BaseAddress, SseTestCluster.StreamPath("long"));
        await stream.ReadUntilAsync("event: connected");

        // 20 heartbeats: about 4 s, past both limits and several of Kestrel's 1 s timeout checks.
        await stream.ReadUntilCountAsync(": heartbeat\n\n", 20, TimeSpan.FromSeconds(15));

        Assert.Equal(1, await silo.ReadMetricAsync("orleanssse_connections_active"));
        Assert.DoesNotContain("\r\n0\r\n\r\n", stream.Text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false, true, "to its socket")]
    [InlineData(true, true, "through the transport output")]
    [InlineData(false, false, "through the transport output")]
    public async Task StreamWritesToItsSocketUnlessItsConnectionServedAnEarlierResponse(bool earlierRequest, bool direct, string writer)
    {
        var logs = new LogCapture(LogLevel.Debug);
        await using var cluster = await SseTestCluster.StartAsync(new SseTestClusterOptions
        {
            Settings =
            {
                ["OrleansSse:Stream:DirectSocketWrites"] = direct ? "true" : "false",
                ["Logging:LogLevel:OrleansSse.Silo.Detach"] = "Debug",
            },
            Configure = builder => builder.Logging.AddProvider(logs),
        });
        var silo = cluster.Silos[0];
        using var stream = await RawHttpStream.OpenAsync(silo.BaseAddress, SseTestCluster.StreamPath("writer"), earlierRequest ? "/" : null);
        await stream.ReadUntilAsync("event: connected");
        var (id, _) = await new SiloApi(silo.Http).SendAsync("writer", "after-the-head");
        await stream.ReadUntilAsync("data: after-the-head\n\n\r\n");

        // The head first, whole, then the body's chunks, whichever way they were written.
        var (headers, chunks) = stream.Parse();
        Assert.StartsWith("HTTP/1.1 200 OK\r\n", headers, StringComparison.Ordinal);
        Assert.Contains("Content-Type: text/event-stream", headers, StringComparison.Ordinal);
        Assert.StartsWith("event: connected\n", chunks[0], StringComparison.Ordinal);
        Assert.Contains(chunks, c => c.Contains($"id: {id}\n", StringComparison.Ordinal));
        var detached = Assert.Single(logs.Entries, e => e.Message.Contains("detached from Kestrel", StringComparison.Ordinal));
        Assert.EndsWith(writer, detached.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task HostThatReplacesKestrelsEndpointDefaultsIsWarnedThatStreamsStayInKestrel(bool replaced)
    {
        var logs = new LogCapture();
        await using var cluster = await SseTestCluster.StartAsync(new SseTestClusterOptions
        {
            Configure = builder =>
            {
                builder.Logging.AddProvider(logs);
                if (replaced)
                {
                    builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureEndpointDefaults(_ => { }));
                }
            },
        });

        var warned = logs.Entries.Any(e => e.Level == LogLevel.Warning && e.Message.Contains("no Kestrel endpoint runs the detach middleware", StringComparison.Ordinal));
        Assert.Equal(replaced, warned);

        // Streams work either way (in Kestrel when replaced).
        var silo = cluster.Silos[0];
        using var stream = await RawHttpStream.OpenAsync(silo.BaseAddress, SseTestCluster.StreamPath("either"));
        await stream.ReadUntilAsync("event: connected");
        await new SiloApi(silo.Http).SendAsync("either", "still-delivered");
        await stream.ReadUntilAsync("data: still-delivered\n\n");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task SlowReaderGetsEveryEventInWholeChunksAndTheTerminatingChunkWhenTheSiloDrains(bool direct)
    {
        const int Events = 240;
        await using var cluster = await SseTestCluster.StartAsync(new SseTestClusterOptions
        {
            Settings =
            {
                ["OrleansSse:Stream:DirectSocketWrites"] = direct ? "true" : "false",
                ["OrleansSse:Stream:QueueCapacity"] = "1000",
                ["OrleansSse:Limits:PublishEventsPerSecond"] = "0",
            },
        });
        var silo = cluster.Silos[0];
        using var stream = await RawHttpStream.OpenAsync(silo.BaseAddress, SseTestCluster.StreamPath("slow"), receiveBufferSize: 4096);
        await stream.ReadUntilAsync("event: connected");

        // About 8 MB while the client reads nothing: far more than the socket buffers hold, so
        // the silo's writes wait for the client, part-sent.
        var client = cluster.Client.GetClient("slow");
        var ids = new List<string>(Events);
        for (var i = 0; i < Events; i++)
        {
            ids.Add((await client.SendAsync(SseEvent.Message($"{i}:{new string((char)('a' + (i % 26)), 32 * 1024)}"))).Id);
        }

        var stopping = cluster.StopSiloAsync(0);
        await stream.ReadUntilEndsWithAsync("\r\n0\r\n\r\n");
        await stopping.WaitAsync(Wait.Timeout);

        var (_, chunks) = stream.Parse();
        Assert.Equal("", chunks[^1]);
        Assert.Contains("retry:", chunks[^2], StringComparison.Ordinal);
        var body = string.Concat(chunks);
        var events = body.Split("\n\n").Where(e => e.StartsWith("id: ", StringComparison.Ordinal)).ToList();
        Assert.Equal(ids, events.Select(e => e[4..e.IndexOf('\n', StringComparison.Ordinal)]));
        for (var i = 0; i < Events; i++)
        {
            Assert.EndsWith($"data: {i}:{new string((char)('a' + (i % 26)), 32 * 1024)}", events[i], StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("drain", true, true)]
    [InlineData("drain", true, false)]
    [InlineData("drain", false, false)]
    [InlineData("disconnect", true, true)]
    [InlineData("disconnect", true, false)]
    [InlineData("disconnect", false, false)]
    [InlineData("expiry", true, true)]
    [InlineData("expiry", true, false)]
    [InlineData("expiry", false, false)]
    public async Task GracefulEndFinishesTheChunkedBodyWithTheTerminatingChunk(string end, bool detach, bool direct)
    {
        await using var cluster = await SseTestCluster.StartAsync(new SseTestClusterOptions
        {
            Settings =
            {
                ["OrleansSse:Stream:DetachFromKestrel"] = detach ? "true" : "false",
                ["OrleansSse:Stream:DirectSocketWrites"] = direct ? "true" : "false",
                ["OrleansSse:Limits:MaxConnectionLifetime"] = end == "expiry" ? "00:00:00.500" : "",
            },
        });
        var silo = cluster.Silos[0];
        using var stream = await RawHttpStream.OpenAsync(silo.BaseAddress, SseTestCluster.StreamPath("ending"));
        await stream.ReadUntilAsync("event: connected");
        await new SiloApi(silo.Http).SendAsync("ending", "last-event");
        await stream.ReadUntilAsync("data: last-event");

        switch (end)
        {
            case "drain":
                await cluster.StopSiloAsync(0);
                break;
            case "disconnect":
                await cluster.Client.GetClient("ending").DisconnectAsync();
                break;
        }

        // Kestrel may keep the connection for another request; the body ends either way.
        await stream.ReadUntilAsync("\r\n0\r\n\r\n");
        var (_, chunks) = stream.Parse();
        Assert.Equal("", chunks[^1]);
        Assert.Contains(chunks, c => c.Contains("data: last-event\n\n", StringComparison.Ordinal));
        if (end != "disconnect")
        {
            Assert.Contains("retry:", chunks[^2], StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ClientThatClosesADetachedStreamFreesItsSlot()
    {
        await using var cluster = await SseTestCluster.StartAsync(new SseTestClusterOptions
        {
            Settings = { ["OrleansSse:Limits:MaxConnectionsPerClient"] = "1" },
        });
        var silo = cluster.Silos[0];
        var stream = await RawHttpStream.OpenAsync(silo.BaseAddress, SseTestCluster.StreamPath("solo"));
        await stream.ReadUntilAsync("event: connected");
        await using (var refused = await cluster.ConnectAsync(0, "solo"))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        }

        stream.Dispose();

        await Wait.UntilAsync(async () => await silo.ReadMetricAsync("orleanssse_connections_active") == 0, "the closed stream to leave the registry");
        await using var again = await cluster.ConnectAsync(0, "solo");
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
    }

    [Fact]
    public async Task DetachedClientThatStopsReadingIsCutAsASlowConsumer()
    {
        await using var cluster = await SseTestCluster.StartAsync(new SseTestClusterOptions
        {
            Settings =
            {
                ["OrleansSse:Stream:QueueCapacity"] = "8",
                ["OrleansSse:Retention:MaxEventsPerStream"] = "8",
            },
        });
        var silo = cluster.Silos[0];
        using var stalled = await cluster.ConnectStalledAsync(0, "stalled");
        await Wait.UntilAsync(async () => await silo.ReadMetricAsync("orleanssse_connections_active") == 1, "the stalled client to be connected");
        var payload = new string('x', 64 * 1024);
        var client = cluster.Client.GetClient("stalled");

        // Socket buffers absorb a few MB before the queue fills: send until the silo gives up.
        await Wait.UntilAsync(
            async () =>
            {
                for (var i = 0; i < 16; i++)
                {
                    await client.SendAsync(SseEvent.Message(payload));
                }

                return await silo.ReadMetricAsync("orleanssse_slow_consumer_disconnects_total") >= 1;
            },
            "the stalled stream to be cut as a slow consumer");

        await stalled.WaitForServerCloseAsync(Wait.Timeout);
        await Wait.UntilAsync(async () => await silo.ReadMetricAsync("orleanssse_connections_active") == 0, "the cut stream to leave the registry");
    }

    /// <summary>Weak references to the feature collections (Kestrel's per-request object) of stream requests.</summary>
    private sealed class StreamRequests : IStartupFilter
    {
        private readonly List<WeakReference> _requests = [];

        public bool AnyAliveAfterCollect()
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            lock (_requests)
            {
                Assert.NotEmpty(_requests);
                return _requests.Any(r => r.IsAlive);
            }
        }

        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((HttpContext context, RequestDelegate continuation) =>
            {
                if (context.Request.Path == "/api/sse")
                {
                    lock (_requests)
                    {
                        _requests.Add(new WeakReference(context.Features));
                    }
                }

                return continuation(context);
            });
            next(app);
        };
    }
}

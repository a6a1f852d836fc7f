using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OrleansSse.Testing;

namespace OrleansSse.Silo.Tests;

/// <summary>
/// A stopping silo drains (README API table, refusals, <c>Limits:RetryAfterSeconds</c>):
/// <c>/healthz</c> answers 503 <c>"draining"</c>, open streams end, and a new stream gets 503 with
/// <c>Retry-After: 1</c> (not the configured 5) and a problem body. Kestrel stops listening right
/// after the drain starts, so only requests it had already accepted meet this; to send them at
/// that moment, the test holds the host's stop between the drain and the server's stop (an
/// <c>ApplicationStopping</c> callback registered before the silo's, so it runs after it).
/// </summary>
public sealed class DrainRefusalTests
{
    [Fact]
    public async Task WhileDrainingHealthzSaysDrainingOpenStreamsEndAndNewStreamsGet503WithRetryAfter1()
    {
        using var gate = new StopGate();
        await using var cluster = await SseTestCluster.StartAsync(new SseTestClusterOptions
        {
            Configure = b => b.Services.Insert(0, ServiceDescriptor.Singleton<IHostedService>(
                sp => new HoldStopAfterDrain(sp.GetRequiredService<IHostApplicationLifetime>(), gate))),
        });
        var silo = cluster.Silos[0];
        var open = await cluster.ConnectAsync(0, "staying");
        using var healthy = await silo.Http.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, healthy.StatusCode);

        var stopping = Task.Run(() => cluster.StopSiloAsync(0));
        await gate.Draining.Task.WaitAsync(Wait.Timeout);
        try
        {
            await open.Closed.WaitAsync(Wait.Timeout);

            using var health = await silo.Http.GetAsync("/healthz");
            var body = JsonNode.Parse(await health.Content.ReadAsStringAsync())!;
            Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
            Assert.Equal("draining", body["status"]!.GetValue<string>());
            using var head = await silo.Http.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/healthz"));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, head.StatusCode);

            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/sse?client_id=late");
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
            using var refused = await silo.Http.SendAsync(request);
            var problem = JsonNode.Parse(await refused.Content.ReadAsStringAsync())!;
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(1), refused.Headers.RetryAfter?.Delta);
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
            Assert.Equal(503, problem["status"]!.GetValue<int>());
            Assert.False(string.IsNullOrWhiteSpace(problem["detail"]?.GetValue<string>()), problem.ToJsonString());
            Assert.NotEqual("urn:orleanssse:problem:backplane-unavailable", problem["type"]?.GetValue<string>());
        }
        finally
        {
            gate.Release.Set();
        }

        await stopping.WaitAsync(Wait.Timeout);
    }

    private sealed class StopGate : IDisposable
    {
        public TaskCompletionSource Draining { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ManualResetEventSlim Release { get; } = new();

        public void Dispose() => Release.Dispose();
    }

    /// <summary>
    /// Registered first, so its <c>ApplicationStopping</c> callback runs after the silo's drain
    /// (callbacks run last-registered first) and before the server stops: it holds the stop there
    /// until the test has sent its requests (at most <see cref="Wait.Timeout"/>).
    /// </summary>
    private sealed class HoldStopAfterDrain(IHostApplicationLifetime lifetime, StopGate gate) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            lifetime.ApplicationStopping.Register(() =>
            {
                gate.Draining.TrySetResult();
                gate.Release.Wait(Wait.Timeout);
            });
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}

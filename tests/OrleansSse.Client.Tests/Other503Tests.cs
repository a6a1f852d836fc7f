using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

using OrleansSse.Ai.Tests;

namespace OrleansSse.Client.Tests;

/// <summary>
/// A 503 that is not the silo saying its backplane is down (a load balancer with no healthy silo,
/// a proxy, a stopping server) is an <see cref="SseClientException"/> with the status and the
/// <c>Retry-After</c>, never a <see cref="BackplaneUnavailableException"/>. Real Kestrel on loopback
/// stands in for the load balancer.
/// </summary>
public sealed class Other503Tests
{
    [Fact]
    public async Task HttpCluster_LoadBalancer503WithoutProblemBody_ThrowsSseClientExceptionWithRetryAfter()
    {
        await using var balancer = await StartAsync(async context =>
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            context.Response.Headers.RetryAfter = "7";
            context.Response.ContentType = "text/plain";
            await context.Response.WriteAsync("no healthy upstream");
        });
        using var http = new HttpClient { BaseAddress = balancer.Address };

        var ex = await Assert.ThrowsAsync<SseClientException>(() => new HttpSseCluster(http).GetClient("alice").SendAsync(SseEvent.Message("hi")));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ex.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(7), ex.RetryAfter);
        Assert.Null(ex.Detail);
        Assert.Contains("503", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HttpCluster_503ProblemOfAnotherType_ThrowsSseClientExceptionWithDetail()
    {
        // The silo's own answer when it is stopping: a 503 problem, but not a backplane outage.
        await using var stopping = await StartAsync(context =>
        {
            context.Response.Headers.RetryAfter = DateTimeOffset.UtcNow.AddMinutes(1).ToString("R");
            return Results.Problem(
                detail: "This silo is shutting down; connect to another.", statusCode: StatusCodes.Status503ServiceUnavailable,
                title: "Service unavailable").ExecuteAsync(context);
        });
        using var http = new HttpClient { BaseAddress = stopping.Address };

        var ex = await Assert.ThrowsAsync<SseClientException>(() => new HttpSseCluster(http).GetBroadcast().SendAsync(SseEvent.Message("hi")));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ex.StatusCode);
        Assert.Equal("This silo is shutting down; connect to another.", ex.Detail);
        Assert.InRange(ex.RetryAfter!.Value, TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(1));
    }

    [Fact]
    public async Task HttpCluster_503ProblemOfTheBackplaneType_ThrowsBackplaneUnavailable()
    {
        // The same server, answering what the silo answers for an outage: the type alone decides.
        await using var silo = await StartAsync(context => Results.Problem(
            detail: "Redis is unreachable.", statusCode: StatusCodes.Status503ServiceUnavailable,
            type: SseProblemTypes.BackplaneUnavailable).ExecuteAsync(context));
        using var http = new HttpClient { BaseAddress = silo.Address };

        await Assert.ThrowsAsync<BackplaneUnavailableException>(() => new HttpSseCluster(http).GetBroadcast().SendAsync(SseEvent.Message("hi")));
    }

    private static Task<LoopbackApp> StartAsync(RequestDelegate answer) =>
        LoopbackApp.StartAsync(builder => builder.Services.AddProblemDetails(), app => app.Run(answer));
}

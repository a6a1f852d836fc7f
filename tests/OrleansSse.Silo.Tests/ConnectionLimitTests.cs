using System.Net;
using OrleansSse.Testing;

namespace OrleansSse.Silo.Tests;

/// <summary>Connection limits: total (503), per IP (429), per client id (429), each with <c>Retry-After</c> and a problem body.</summary>
public sealed class ConnectionLimitTests
{
    [Fact]
    public async Task ConnectionsPastMaxConnectionsGet503WithRetryAfter()
    {
        await using var cluster = await StartAsync(("MaxConnections", "2"));
        await using var a = await cluster.ConnectAsync(0, "a");
        await using var b = await cluster.ConnectAsync(0, "b");

        await using var refused = await cluster.ConnectAsync(0, "c");

        AssertRefused(refused, HttpStatusCode.ServiceUnavailable);
        Assert.Equal(1, await cluster.Silos[0].ReadMetricAsync("orleanssse_connections_rejected_total"));
    }

    [Fact]
    public async Task ConnectionsPastMaxConnectionsPerIpGet429WithRetryAfter()
    {
        await using var cluster = await StartAsync(("MaxConnectionsPerIp", "2"));
        await using var a = await cluster.ConnectAsync(0, "a");
        await using var b = await cluster.ConnectAsync(0, "b");

        await using var refused = await cluster.ConnectAsync(0, "c");

        AssertRefused(refused, HttpStatusCode.TooManyRequests);
    }

    // A request forwarded by a loopback proxy (trusted by default) for the browser at ip.
    private static KeyValuePair<string, string>[] From(string ip) => [new("X-Forwarded-For", ip)];

    [Fact]
    public async Task BehindALoopbackProxyThePerIpLimitCountsTheForwardedClientAddress()
    {
        await using var cluster = await StartAsync(("MaxConnectionsPerIp", "1"));

        await using var first = await cluster.ConnectPathAsync(0, "/api/sse?client_id=a", From("203.0.113.7"));
        await using var otherBrowser = await cluster.ConnectPathAsync(0, "/api/sse?client_id=b", From("203.0.113.8"));
        await using var sameBrowser = await cluster.ConnectPathAsync(0, "/api/sse?client_id=c", From("203.0.113.7"));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, otherBrowser.StatusCode);
        AssertRefused(sameBrowser, HttpStatusCode.TooManyRequests);
    }

    [Fact]
    public async Task ThePerIpLimitCountsAnIpv6ClientByItsSlash64()
    {
        await using var cluster = await StartAsync(("MaxConnectionsPerIp", "1"));

        await using var first = await cluster.ConnectPathAsync(0, "/api/sse?client_id=a", From("2001:db8:1:2::7"));
        await using var otherNetwork = await cluster.ConnectPathAsync(0, "/api/sse?client_id=b", From("2001:db8:1:3::7"));
        await using var sameNetwork = await cluster.ConnectPathAsync(0, "/api/sse?client_id=c", From("2001:db8:1:2:ffff::1"));
        await using var mappedIpv4 = await cluster.ConnectPathAsync(0, "/api/sse?client_id=d", From("::ffff:203.0.113.9"));
        await using var sameIpv4 = await cluster.ConnectPathAsync(0, "/api/sse?client_id=e", From("203.0.113.9"));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, otherNetwork.StatusCode);
        AssertRefused(sameNetwork, HttpStatusCode.TooManyRequests);
        Assert.Equal(HttpStatusCode.OK, mappedIpv4.StatusCode);
        AssertRefused(sameIpv4, HttpStatusCode.TooManyRequests);
    }

    [Fact]
    public async Task ConnectionsPastMaxConnectionsPerClientGet429WhileOtherClientsConnect()
    {
        await using var cluster = await StartAsync(("MaxConnectionsPerClient", "2"));
        await using var a1 = await cluster.ConnectAsync(0, "a");
        await using var a2 = await cluster.ConnectAsync(0, "a");

        await using var refused = await cluster.ConnectAsync(0, "a");
        await using var other = await cluster.ConnectAsync(0, "b");

        AssertRefused(refused, HttpStatusCode.TooManyRequests);
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        Assert.Equal("b", other.Connected!.ClientId);
    }

    [Fact]
    public async Task ClosingAConnectionFreesItsSlot()
    {
        await using var cluster = await StartAsync(("MaxConnections", "1"));
        var first = await cluster.ConnectAsync(0, "a");
        await first.DisposeAsync();

        await Wait.UntilAsync(
            async () =>
            {
                await using var next = await cluster.ConnectAsync(0, "b");
                return next.StatusCode == HttpStatusCode.OK;
            },
            "a slot to free after the only connection closed");
    }

    [Fact]
    public async Task RefusedConnectionsDoNotCountAsActive()
    {
        await using var cluster = await StartAsync(("MaxConnectionsPerClient", "1"));
        await using var a = await cluster.ConnectAsync(0, "a");
        await using var refused = await cluster.ConnectAsync(0, "a");

        Assert.Equal(1, await cluster.Silos[0].ReadMetricAsync("orleanssse_connections_active"));
    }

    private static Task<SseTestCluster> StartAsync((string Key, string Value) limit) =>
        SseTestCluster.StartAsync(new SseTestClusterOptions
        {
            Settings = { ["OrleansSse:Limits:" + limit.Key] = limit.Value },
        });

    private static void AssertRefused(SseTestConnection refused, HttpStatusCode expected)
    {
        Assert.True(refused.StatusCode == expected, $"expected {(int)expected}, got {(int)refused.StatusCode} {refused.ErrorBody}");
        Assert.NotNull(refused.Headers.RetryAfter);
        Assert.True(refused.Headers.RetryAfter!.Delta > TimeSpan.Zero, $"Retry-After: {refused.Headers.RetryAfter}");
        Assert.Equal("application/problem+json", refused.ContentHeaders.ContentType?.MediaType);
        Assert.Null(refused.Connected);
    }
}

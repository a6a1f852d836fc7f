using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using OrleansSse.Testing;

namespace OrleansSse.Silo.Tests;

/// <summary>
/// <c>GET /api/sse</c>'s query: <c>client_id</c> and <c>last_event_id</c> (and the <c>Last-Event-ID</c>
/// header) are refused when given more than once, saying so; <c>groups=</c> may be repeated (merged),
/// and its limit counts distinct groups.
/// </summary>
public sealed class StreamQueryTests
{
    [Theory]
    [InlineData("client_id=bob&client_id=bob", "'client_id'")]
    [InlineData("client_id=&client_id=bob", "'client_id'")]
    [InlineData("client_id=bob&last_event_id=abc-1&last_event_id=abc-2", "'last_event_id'")]
    public async Task AParameterGivenMoreThanOnceIsRefusedSayingSo(string query, string named)
    {
        await using var cluster = await SseTestCluster.StartAsync();

        await using var connection = await cluster.ConnectPathAsync(0, "/api/sse?" + query);

        Assert.Equal(HttpStatusCode.BadRequest, connection.StatusCode);
        Assert.Equal("application/problem+json", connection.ContentHeaders.ContentType?.MediaType);
        var detail = Detail(connection.ErrorBody);
        Assert.Contains(named, detail, StringComparison.Ordinal);
        Assert.Contains("more than once", detail, StringComparison.Ordinal);
        Assert.Equal(0, await cluster.Silos[0].ReadMetricAsync("orleanssse_connections_total"));
    }

    [Fact]
    public async Task TheLastEventIdHeaderGivenTwiceIsRefusedSayingSo()
    {
        await using var cluster = await SseTestCluster.StartAsync();
        var address = cluster.Silos[0].BaseAddress;

        // HttpClient joins repeated values into one line; a raw request sends two header lines.
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(address.Host, address.Port).WaitAsync(Wait.Timeout);
        var request = $"GET /api/sse?client_id=bob HTTP/1.1\r\nHost: {address.Authority}\r\nLast-Event-ID: abc-1\r\nLast-Event-ID: abc-2\r\nConnection: close\r\n\r\n";
        await socket.SendAsync(Encoding.ASCII.GetBytes(request), SocketFlags.None);
        var response = await ReadToEndAsync(socket);

        Assert.StartsWith("HTTP/1.1 400 ", response, StringComparison.Ordinal);
        Assert.Contains("Last-Event-ID header was given more than once", response, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RepeatedGroupsAreMergedAndTheLimitCountsDistinctGroups()
    {
        await using var cluster = await SseTestCluster.StartAsync(new SseTestClusterOptions
        {
            Settings = { ["OrleansSse:Limits:MaxGroupsPerConnect"] = "2" },
        });
        var api = new SiloApi(cluster.Silos[0].Http);

        // Five items, two distinct groups (and an empty item): within a limit of 2.
        await using var connection = await cluster.ConnectPathAsync(0, "/api/sse?client_id=carol&groups=a,a,&groups=b,a");
        Assert.Equal(HttpStatusCode.OK, connection.StatusCode);
        var groups = (await api.GetJsonAsync("/api/sse/clients/carol"))["groups"]!.AsArray().Select(g => g!.GetValue<string>()).Order();
        Assert.Equal(["a", "b"], groups);

        var id = await api.GroupSendAsync("b", "to-b");
        Assert.Equal(id, (await connection.NextAsync(Wait.Timeout)).Id);

        await using var refused = await cluster.ConnectPathAsync(0, "/api/sse?client_id=dave&groups=a,b&groups=c");
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
    }

    [Fact]
    public async Task ThirtyThreeCopiesOfOneGroupAreOneGroup()
    {
        await using var cluster = await SseTestCluster.StartAsync();
        var groups = string.Join(",", Enumerable.Repeat("a", 33));

        await using var connection = await cluster.ConnectPathAsync(0, "/api/sse?client_id=erin&groups=" + groups);

        Assert.Equal(HttpStatusCode.OK, connection.StatusCode);
        Assert.Equal("erin", connection.Connected?.ClientId);
    }

    private static string Detail(string? problem)
    {
        Assert.NotNull(problem);
        using var json = JsonDocument.Parse(problem);
        return json.RootElement.GetProperty("detail").GetString() ?? "";
    }

    private static async Task<string> ReadToEndAsync(Socket socket)
    {
        using var cts = new CancellationTokenSource(Wait.Timeout);
        var received = new List<byte>();
        var buffer = new byte[4096];
        int read;
        while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token)) > 0)
        {
            received.AddRange(buffer.AsSpan(0, read));
        }

        return Encoding.UTF8.GetString([.. received]);
    }
}

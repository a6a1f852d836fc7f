using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace OrleansSse.Client.Tests;

/// <summary><see cref="HttpSseCluster"/> against a real silo: every grain call is a request to its API.</summary>
public sealed class HttpSseClusterTests(HttpClusterFixture fixture) : IClassFixture<HttpClusterFixture>
{
    [Fact]
    public void AddOrleansSseClient_UseHttp_RegistersHttpSseCluster() =>
        Assert.IsType<HttpSseCluster>(fixture.Cluster);

    [Fact]
    public async Task SendToOnlineClient_ArrivesOnItsStreamWithTheReturnedId()
    {
        var alice = Ids.New("alice");
        await using var stream = await fixture.Silos.ConnectAsync(0, alice);

        var result = await fixture.Cluster.GetClient(alice).SendAsync(new SseEvent("note", "hello\nworld"));

        var received = await stream.NextAsync(Ids.Timeout);
        Assert.Equal(("note", "hello\nworld", result.Id), (received.Type, received.Data, received.Id));
        Assert.True(result.Online);
    }

    [Fact]
    public Task CoalesceKey_PassesThroughTheApi_SoAResumeReplaysOnlyTheNewestPerKey() =>
        CoalesceKeyCheck.ResumeReplaysOnlyTheNewestPerKeyAsync(fixture.Cluster, fixture.Silos, 0);

    [Fact]
    public async Task SendToOfflineClient_ReportsOffline()
    {
        var result = await fixture.Cluster.GetClient(Ids.New("nobody")).SendAsync(SseEvent.Message("waits in history"));

        Assert.False(result.Online);
        Assert.True(EventCursor.TryParse(result.Id, out _), result.Id);
    }

    [Fact]
    public async Task GroupAddSendAndRemove_ReachMembersAndListThem()
    {
        var (alice, bob, group) = (Ids.New("alice"), Ids.New("bob"), Ids.New("team"));
        await using var aliceStream = await fixture.Silos.ConnectAsync(0, alice);
        await using var bobStream = await fixture.Silos.ConnectAsync(0, bob);
        var team = fixture.Cluster.GetGroup(group);

        await team.AddAsync(bob);
        await team.AddAsync(alice);
        Assert.Equal(new[] { alice, bob }.Order(StringComparer.Ordinal), await team.GetMembersAsync());

        var sent = await team.SendAsync(new SseEvent("team-note", "to the team"));
        Assert.Equal(sent.Id, (await aliceStream.NextAsync(e => e.Type == "team-note", Ids.Timeout)).Id);
        Assert.Equal(sent.Id, (await bobStream.NextAsync(e => e.Type == "team-note", Ids.Timeout)).Id);

        await team.RemoveAsync(bob);
        Assert.Equal([alice], await team.GetMembersAsync());
    }

    [Fact]
    public async Task Broadcast_ReachesEveryConnection()
    {
        await using var one = await fixture.Silos.ConnectAsync(0, Ids.New("one"));
        await using var two = await fixture.Silos.ConnectAsync(0, Ids.New("two"));
        var marker = Guid.NewGuid().ToString("N");

        var sent = await fixture.Cluster.GetBroadcast().SendAsync(new SseEvent("news", marker));

        Assert.Equal(sent.Id, (await one.NextAsync(e => e.Data == marker, Ids.Timeout)).Id);
        Assert.Equal(sent.Id, (await two.NextAsync(e => e.Data == marker, Ids.Timeout)).Id);
    }

    [Fact]
    public async Task GetInfo_ReportsOnlineAndGroups()
    {
        var (alice, group) = (Ids.New("alice"), Ids.New("team"));
        var before = await fixture.Cluster.GetClient(alice).GetInfoAsync();
        Assert.Equal((alice, false), (before.ClientId, before.Online));
        Assert.Empty(before.Groups);

        await using var stream = await fixture.Silos.ConnectAsync(0, alice, groups: [group]);
        var info = await fixture.Cluster.GetClient(alice).GetInfoAsync();

        Assert.Equal((alice, true), (info.ClientId, info.Online));
        Assert.Equal([group], info.Groups);
    }

    [Fact]
    public async Task Disconnect_EndsTheClientsStream()
    {
        var alice = Ids.New("alice");
        await using var stream = await fixture.Silos.ConnectAsync(0, alice);

        await fixture.Cluster.GetClient(alice).DisconnectAsync();

        await stream.Closed.WaitAsync(Ids.Timeout);
    }

    [Fact]
    public async Task InvalidNames_ThrowArgumentExceptionWithoutARequest()
    {
        using var counter = new RequestCounter();
        using var http = new HttpClient(counter, disposeHandler: false) { BaseAddress = fixture.BaseAddress };
        var cluster = new HttpSseCluster(http);

        Assert.Throws<ArgumentException>(() => cluster.GetClient("has space"));
        Assert.Throws<ArgumentException>(() => cluster.GetClient(""));
        Assert.Throws<ArgumentException>(() => cluster.GetGroup(new string('g', SseNames.MaxKeyLength + 1)));
        await Assert.ThrowsAsync<ArgumentException>(() => cluster.GetGroup("team").AddAsync("a/b"));
        await Assert.ThrowsAsync<ArgumentException>(() => cluster.GetClient("alice").SendAsync(new SseEvent("two words", "x")));
        await Assert.ThrowsAsync<ArgumentException>(() => cluster.GetBroadcast().SendAsync(new SseEvent("evil\nid: 1", "x")));

        Assert.Empty(counter.Requests);
    }

    [Fact]
    public async Task ReservedEventNames_ThrowArgumentExceptionWithoutARequest_AsInProcessAndRedisMode()
    {
        using var counter = new RequestCounter();
        using var http = new HttpClient(counter, disposeHandler: false) { BaseAddress = fixture.BaseAddress };
        var cluster = new HttpSseCluster(http);

        foreach (var reserved in SseNames.ReservedEvents)
        {
            var evt = new SseEvent(reserved, """{"status":"connected","client_id":"evil"}""");
            var ex = await Assert.ThrowsAsync<ArgumentException>(() => cluster.GetClient("alice").SendAsync(evt));
            await Assert.ThrowsAsync<ArgumentException>(() => cluster.GetGroup("team").SendAsync(evt));
            await Assert.ThrowsAsync<ArgumentException>(() => cluster.GetBroadcast().SendAsync(evt));
            Assert.Contains($"'{reserved}' is reserved", ex.Message, StringComparison.Ordinal);
        }

        Assert.Empty(counter.Requests);
    }

    [Fact]
    public async Task PublisherKey_IsSentAsBearerToken()
    {
        using var counter = new RequestCounter();
        using var http = new HttpClient(counter, disposeHandler: false) { BaseAddress = fixture.BaseAddress };

        await new HttpSseCluster(http, publisherKey: "pk-123").GetBroadcast().SendAsync(SseEvent.Message("with key"));

        var request = Assert.Single(counter.Requests);
        Assert.Equal("Bearer pk-123", request.Headers.Authorization?.ToString());
        Assert.Equal("/api/sse/broadcast", request.RequestUri!.AbsolutePath);
    }

    [Fact]
    public async Task UnreachableSilo_ThrowsSseClientExceptionWithoutStatus()
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{ClosedPort()}/") };

        var ex = await Assert.ThrowsAsync<SseClientException>(() => new HttpSseCluster(http).GetBroadcast().SendAsync(SseEvent.Message("x")));

        Assert.Null(ex.StatusCode);
        Assert.IsType<HttpRequestException>(ex.InnerException);
    }

    [Fact]
    public async Task OptionsBoundFromConfiguration_SelectHttpMode()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["OrleansSseClient:Mode"] = "Http",
            ["OrleansSseClient:BaseAddress"] = fixture.BaseAddress.ToString(),
            ["OrleansSseClient:OperationTimeout"] = "00:00:03",
        }).Build();
        await using var services = new ServiceCollection()
            .AddOrleansSseClient(configuration.GetSection(SseClientOptions.SectionName))
            .Services.BuildServiceProvider();
        var alice = Ids.New("alice");
        await using var stream = await fixture.Silos.ConnectAsync(0, alice);

        var sent = await services.GetRequiredService<ISseCluster>().GetClient(alice).SendAsync(SseEvent.Message("configured"));

        Assert.Equal(sent.Id, (await stream.NextAsync(Ids.Timeout)).Id);
    }

    private static int ClosedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}

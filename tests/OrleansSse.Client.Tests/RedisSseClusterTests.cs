using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OrleansSse.Redis.Tests;
using OrleansSse.Testing;

namespace OrleansSse.Client.Tests;

/// <summary>
/// A service-side <see cref="ISseCluster"/> from <c>AddOrleansSseClient(o => o.UseRedis(...))</c>,
/// in a host of its own, against two silos sharing a real redis-server: no HTTP between the
/// service and the silos.
/// </summary>
public sealed class RedisSseClusterTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>, IAsyncLifetime
{
    private readonly string _prefix = "client-" + Guid.NewGuid().ToString("N")[..8];
    private SseTestCluster _silos = null!;
    private IHost _host = null!;
    private ISseCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        _silos = await SseTestCluster.StartAsync(new SseTestClusterOptions
        {
            Silos = 2,
            Backplane = SseTestBackplane.Redis(redis.Configuration),
            Settings = { ["OrleansSse:Backplane:KeyPrefix"] = _prefix },
        });
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddOrleansSseClient(o => o.UseRedis(redis.Configuration, _prefix));
        _host = builder.Build();
        await _host.StartAsync();
        _cluster = _host.Services.GetRequiredService<ISseCluster>();
    }

    public async Task DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
        await _silos.DisposeAsync();
    }

    [Fact]
    public void AddOrleansSseClient_UseRedis_RegistersAConnectedRedisSseCluster()
    {
        var cluster = Assert.IsType<RedisSseCluster>(_cluster);
        Assert.True(cluster.Health.Healthy, cluster.Health.Reason);
    }

    [Fact]
    public async Task SendReachesClientsOnEitherSilo()
    {
        var (alice, bob) = (Ids.New("alice"), Ids.New("bob"));
        await using var onSilo0 = await _silos.ConnectAsync(0, alice);
        await using var onSilo1 = await _silos.ConnectAsync(1, bob);

        var toAlice = await _cluster.GetClient(alice).SendAsync(new SseEvent("note", "for alice"));
        var toBob = await _cluster.GetClient(bob).SendAsync(new SseEvent("note", "for bob"));

        Assert.Equal(("for alice", toAlice.Id), Pair(await onSilo0.NextAsync(Ids.Timeout)));
        Assert.Equal(("for bob", toBob.Id), Pair(await onSilo1.NextAsync(Ids.Timeout)));
        Assert.True(toAlice.Online && toBob.Online);
    }

    [Fact]
    public Task CoalesceKey_IsStoredWithTheEvent_SoAResumeOnASiloReplaysOnlyTheNewestPerKey() =>
        CoalesceKeyCheck.ResumeReplaysOnlyTheNewestPerKeyAsync(_cluster, _silos, 1);

    [Fact]
    public async Task GroupMembersOnBothSilosReceiveTheGroupsEvents()
    {
        var (alice, bob, group) = (Ids.New("alice"), Ids.New("bob"), Ids.New("team"));
        await using var onSilo0 = await _silos.ConnectAsync(0, alice);
        await using var onSilo1 = await _silos.ConnectAsync(1, bob);
        var team = _cluster.GetGroup(group);

        await team.AddAsync(alice);
        await team.AddAsync(bob);
        var sent = await team.SendAsync(new SseEvent("team-note", "to the team"));

        Assert.Equal(new[] { alice, bob }.Order(StringComparer.Ordinal), await team.GetMembersAsync());
        Assert.Equal(sent.Id, (await onSilo0.NextAsync(e => e.Type == "team-note", Ids.Timeout)).Id);
        Assert.Equal(sent.Id, (await onSilo1.NextAsync(e => e.Type == "team-note", Ids.Timeout)).Id);
    }

    [Fact]
    public async Task BroadcastReachesEveryoneOnEverySilo()
    {
        await using var onSilo0 = await _silos.ConnectAsync(0, Ids.New("one"));
        await using var onSilo1 = await _silos.ConnectAsync(1, Ids.New("two"));
        var marker = Guid.NewGuid().ToString("N");

        var sent = await _cluster.GetBroadcast().SendAsync(new SseEvent("news", marker));

        Assert.Equal(sent.Id, (await onSilo0.NextAsync(e => e.Data == marker, Ids.Timeout)).Id);
        Assert.Equal(sent.Id, (await onSilo1.NextAsync(e => e.Data == marker, Ids.Timeout)).Id);
    }

    [Fact]
    public async Task InfoAndDisconnectReachAClientOnAnotherProcessesSilo()
    {
        var (alice, group) = (Ids.New("alice"), Ids.New("team"));
        await using var onSilo1 = await _silos.ConnectAsync(1, alice, groups: [group]);

        var info = await _cluster.GetClient(alice).GetInfoAsync();
        await _cluster.GetClient(alice).DisconnectAsync();

        Assert.Equal((alice, true), (info.ClientId, info.Online));
        Assert.Equal([group], info.Groups);
        await onSilo1.Closed.WaitAsync(Ids.Timeout);
    }

    [Fact]
    public async Task EventsForAnOfflineClientWaitForItsResume()
    {
        var alice = Ids.New("alice");
        string seenId;
        await using (var first = await _silos.ConnectAsync(0, alice))
        {
            seenId = (await _cluster.GetClient(alice).SendAsync(SseEvent.Message("seen"))).Id;
            Assert.Equal(seenId, (await first.NextAsync(Ids.Timeout)).Id);
        }

        await WaitOfflineAsync(alice);
        var missed = await _cluster.GetClient(alice).SendAsync(SseEvent.Message("missed"));

        await using var again = await _silos.ConnectAsync(1, alice, lastEventId: seenId);
        Assert.False(missed.Online);
        Assert.True(again.Connected!.Recovered);
        Assert.Equal(("missed", missed.Id), Pair(await again.NextAsync(Ids.Timeout)));
    }

    private async Task WaitOfflineAsync(string clientId)
    {
        using var cts = new CancellationTokenSource(Ids.Timeout);
        while ((await _cluster.GetClient(clientId).GetInfoAsync(cts.Token)).Online)
        {
            await Task.Delay(20, cts.Token);
        }
    }

    private static (string Data, string? Id) Pair(SseTestEvent evt) => (evt.Data, evt.Id);
}

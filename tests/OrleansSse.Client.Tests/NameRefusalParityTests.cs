using OrleansSse.Redis.Tests;
using OrleansSse.Testing;

namespace OrleansSse.Client.Tests;

/// <summary>
/// Both client modes refuse the same names before anything is sent: keys without a letter or digit
/// (<c>.</c> and <c>..</c> would be collapsed out of an HTTP path) and, in Redis mode, which skips
/// the silos' HTTP checks, reserved event names — so no service can forge a <c>connected</c> event.
/// A silo on a real redis-server watches that nothing reaches its stream.
/// </summary>
public sealed class NameRefusalParityTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>, IAsyncLifetime
{
    private readonly string _prefix = "names-" + Guid.NewGuid().ToString("N")[..8];
    private SseTestCluster _silos = null!;
    private RedisSseCluster _redisMode = null!;

    public async Task InitializeAsync()
    {
        _silos = await SseTestCluster.StartAsync(new SseTestClusterOptions
        {
            Backplane = SseTestBackplane.Redis(redis.Configuration),
            Settings = { ["OrleansSse:Backplane:KeyPrefix"] = _prefix },
        });
        _redisMode = await RedisSseCluster.ConnectAsync(redis.CreateOptions(_prefix));
    }

    public async Task DisposeAsync()
    {
        await _redisMode.DisposeAsync();
        await _silos.DisposeAsync();
    }

    [Theory]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData("-")]
    [InlineData("_.@:")]
    public async Task BothModes_KeysWithoutALetterOrDigit_ThrowArgumentExceptionAndSendNothing(string key)
    {
        using var counter = new RequestCounter();
        using var http = new HttpClient(counter, disposeHandler: false) { BaseAddress = _silos.Silos[0].BaseAddress };
        var team = Ids.New("team");

        foreach (var cluster in new ISseCluster[] { new HttpSseCluster(http), _redisMode })
        {
            Assert.Throws<ArgumentException>(() => cluster.GetClient(key));
            Assert.Throws<ArgumentException>(() => cluster.GetGroup(key));
            await Assert.ThrowsAsync<ArgumentException>(() => cluster.GetGroup(team).AddAsync(key));
            await Assert.ThrowsAsync<ArgumentException>(() => cluster.GetGroup(team).RemoveAsync(key));
        }

        Assert.Empty(counter.Requests);
        Assert.Empty(await _redisMode.GetGroup(team).GetMembersAsync());
    }

    [Fact]
    public async Task RedisMode_ReservedEventNames_ThrowArgumentExceptionAndReachNoStream()
    {
        var (watcher, team) = (Ids.New("watcher"), Ids.New("team"));
        await _redisMode.GetGroup(team).AddAsync(watcher);
        await using var stream = await _silos.ConnectAsync(0, watcher);

        foreach (var name in SseNames.ReservedEvents)
        {
            var forged = new SseEvent(name, """{"status":"connected","client_id":"evil","recovered":true}""");
            var refused = await Assert.ThrowsAsync<ArgumentException>(() => _redisMode.GetClient(watcher).SendAsync(forged));
            Assert.Contains($"'{name}'", refused.Message, StringComparison.Ordinal);
            await Assert.ThrowsAsync<ArgumentException>(() => _redisMode.GetGroup(team).SendAsync(forged));
            await Assert.ThrowsAsync<ArgumentException>(() => _redisMode.GetBroadcast().SendAsync(forged));
        }

        var marker = await _redisMode.GetClient(watcher).SendAsync(SseEvent.Message("marker"));
        Assert.Equal(new SseTestEvent("message", "marker", marker.Id), await stream.NextAsync(Ids.Timeout));
    }
}

using System.Net;
using System.Text.Json.Nodes;
using OrleansSse.Redis.Tests;
using OrleansSse.Testing;

namespace OrleansSse.Cluster.Tests;

/// <summary>
/// The <c>online</c> field of the broadcast and group-send 202 across silos on Redis (README API
/// table): true when some silo — here not the one publishing — has a connection (broadcast) or
/// follows the group (group send), false when none does.
/// </summary>
public sealed class CrossSiloOnlineTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    [Fact]
    public async Task BroadcastAndGroupSendOnOneSiloSeeStreamsOnAnother()
    {
        await using var cluster = await RedisCluster.StartAsync(redis, silos: 2);
        var publisher = new SiloApi(cluster.Silos[0].Http);
        var group = Wait.Unique("team");
        var member = Wait.Unique("m");
        await publisher.AddToGroupAsync(group, member);

        Assert.False(await PublishOnlineAsync(publisher, "/api/sse/broadcast"), "broadcast with no stream on any silo");
        Assert.False(await PublishOnlineAsync(publisher, $"/api/sse/groups/{group}/send"), "group send with no member's stream");

        var stream = await cluster.ConnectAsync(1, member);
        Assert.True(await PublishOnlineAsync(publisher, "/api/sse/broadcast"), "broadcast with a stream on silo 2");
        Assert.True(await PublishOnlineAsync(publisher, $"/api/sse/groups/{group}/send"), "group send with a member's stream on silo 2");
        Assert.False(await PublishOnlineAsync(publisher, $"/api/sse/groups/{Wait.Unique("empty")}/send"), "group send to a group no silo follows");

        // A closing stream unsubscribes in the background: the answers turn false soon after.
        await stream.DisposeAsync();
        await Wait.UntilAsync(async () => !await PublishOnlineAsync(publisher, $"/api/sse/groups/{group}/send"), "group send offline after the stream closed");
        await Wait.UntilAsync(async () => !await PublishOnlineAsync(publisher, "/api/sse/broadcast"), "broadcast offline after the stream closed");
    }

    private static async Task<bool> PublishOnlineAsync(SiloApi api, string path)
    {
        using var response = await api.PostAsync(path, """{"data":"x"}""");
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"POST {path}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!["online"]?.GetValue<bool>() ?? throw new Xunit.Sdk.XunitException($"POST {path}: no 'online' in {text}");
    }
}

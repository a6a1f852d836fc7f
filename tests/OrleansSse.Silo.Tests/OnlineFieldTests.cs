using System.Net;
using System.Text.Json.Nodes;
using OrleansSse.Testing;

namespace OrleansSse.Silo.Tests;

/// <summary>
/// The <c>online</c> field of the broadcast and group-send 202 (README API table): whether some
/// silo has a connection (broadcast) or follows the group (group send). Two silos on one
/// in-memory backplane; the stream is on the silo that does not take the publish.
/// </summary>
public sealed class OnlineFieldTests
{
    [Fact]
    public async Task BroadcastAndGroupSendSayOnlineOnlyWhileSomeSiloHoldsAStreamThatFollowsThem()
    {
        await using var cluster = await SseTestCluster.StartAsync(new SseTestClusterOptions { Silos = 2 });
        var publisher = new SiloApi(cluster.Silos[0].Http);
        await publisher.AddToGroupAsync("team", "ann");

        Assert.False(await PublishOnlineAsync(publisher, "/api/sse/broadcast"), "broadcast with no stream anywhere");
        Assert.False(await PublishOnlineAsync(publisher, "/api/sse/groups/team/send"), "group send to a member without a stream");

        var ann = await cluster.ConnectAsync(1, "ann");
        await using var bob = await cluster.ConnectAsync(1, "bob");
        Assert.True(await PublishOnlineAsync(publisher, "/api/sse/broadcast"), "broadcast with streams on silo 1");
        Assert.True(await PublishOnlineAsync(publisher, "/api/sse/groups/team/send"), "group send with a member's stream on silo 1");
        Assert.False(await PublishOnlineAsync(publisher, "/api/sse/groups/other/send"), "group send to a group no stream follows");

        // A closing stream unsubscribes in the background: the answer turns false soon after.
        await ann.DisposeAsync();
        await Wait.UntilAsync(
            async () => !await PublishOnlineAsync(publisher, "/api/sse/groups/team/send"), "group send offline after the member's stream closed");
        Assert.True(await PublishOnlineAsync(publisher, "/api/sse/broadcast"), "broadcast while bob is still connected");

        await bob.DisposeAsync();
        await Wait.UntilAsync(
            async () => !await PublishOnlineAsync(publisher, "/api/sse/broadcast"), "broadcast offline after every stream closed");
    }

    private static async Task<bool> PublishOnlineAsync(SiloApi api, string path)
    {
        using var response = await api.PostAsync(path, """{"data":"x"}""");
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"POST {path}: {(int)response.StatusCode} {text}");
        var json = JsonNode.Parse(text)!;
        Assert.False(string.IsNullOrEmpty(json["id"]?.GetValue<string>()), text);
        return json["online"]?.GetValue<bool>() ?? throw new Xunit.Sdk.XunitException($"POST {path}: no 'online' in {text}");
    }
}

using System.Net;
using System.Text.Json;
using OrleansSse.Testing;

namespace OrleansSse.Silo.Tests;

/// <summary>
/// The in-process grains (<see cref="SseTestCluster.Client"/>, as a silo's embedded callers get them)
/// refuse what the HTTP API refuses: keys without a letter or digit and reserved event names, with
/// <see cref="ArgumentException"/> and nothing published. The silo's own AI answers still go out as
/// <c>ai_response</c>.
/// </summary>
public sealed class ClusterClientNameTests
{
    public static TheoryData<string> DotKeys => new() { ".", "..", "-", "_.@:" };

    [Theory]
    [MemberData(nameof(DotKeys))]
    public async Task KeysWithoutALetterOrDigit_ThrowArgumentException(string key)
    {
        await using var cluster = await SseTestCluster.StartAsync();
        var grains = cluster.Client;

        Assert.Throws<ArgumentException>(() => grains.GetClient(key));
        Assert.Throws<ArgumentException>(() => grains.GetGroup(key));
        await Assert.ThrowsAsync<ArgumentException>(() => grains.GetGroup("team").AddAsync(key));
        await Assert.ThrowsAsync<ArgumentException>(() => grains.GetGroup("team").RemoveAsync(key));
        await Assert.ThrowsAsync<ArgumentException>(() => grains.GetBroadcast().SendAsync(new SseEvent("note", "d") { CoalesceKey = key }));
        Assert.Empty(await grains.GetGroup("team").GetMembersAsync());
    }

    [Fact]
    public async Task ReservedEventNames_ThrowArgumentExceptionAndReachNoStream()
    {
        await using var cluster = await SseTestCluster.StartAsync();
        var grains = cluster.Client;
        await grains.GetGroup("team").AddAsync("watcher");
        await using var watcher = await cluster.ConnectAsync(0, "watcher");

        foreach (var name in SseNames.ReservedEvents)
        {
            var forged = new SseEvent(name, """{"status":"connected","client_id":"evil","recovered":true}""");
            var refused = await Assert.ThrowsAsync<ArgumentException>(() => grains.GetClient("watcher").SendAsync(forged));
            Assert.Contains($"'{name}'", refused.Message, StringComparison.Ordinal);
            await Assert.ThrowsAsync<ArgumentException>(() => grains.GetGroup("team").SendAsync(forged));
            await Assert.ThrowsAsync<ArgumentException>(() => grains.GetBroadcast().SendAsync(forged));
        }

        var marker = await grains.GetBroadcast().SendAsync(SseEvent.Message("marker"));
        Assert.Equal(new SseTestEvent("message", "marker", marker.Id), await watcher.NextAsync(Wait.Timeout));
    }

    [Fact]
    public async Task TheSilosAiAnswer_StillArrivesAsAiResponseEvents()
    {
        await using var cluster = await SseTestCluster.StartAsync(new SseTestClusterOptions
        {
            Settings = { ["OrleansSse:Ai:TokenDelay"] = "00:00:00" },
        });
        await using var asker = await cluster.ConnectAsync(0, "asker");

        using var response = await new SiloApi(cluster.Silos[0].Http).PostAsync("/api/ai/stream-chat", """{"prompt":"What is SSE?","client_id":"asker"}""");
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);

        var done = await asker.NextAsync(e => e.Type == "ai_response" && Done(e.Data), Wait.Timeout);
        var answer = asker.Received.Where(e => e.Type == "ai_response").ToList();
        Assert.True(answer.Count > 1, string.Join("\n", asker.Received));
        Assert.Equal(done, answer[^1]);
        Assert.All(answer, e => Assert.NotNull(e.Id));
    }

    private static bool Done(string data)
    {
        using var json = JsonDocument.Parse(data);
        return json.RootElement.GetProperty("done").GetBoolean() && !json.RootElement.TryGetProperty("error", out _);
    }
}

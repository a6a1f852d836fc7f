using System.Net;
using Microsoft.Extensions.Logging;

namespace OrleansSse.Security.Tests;

public sealed class OpenModeTests
{
    [Fact]
    public async Task NoConfiguration_StreamsAndPublishesWithoutCredentials()
    {
        await using var silo = await TestSilo.StartAsync();
        await using var generated = await silo.OpenStreamAsync("");
        Assert.Equal(32, (await generated.ConnectedAsync()).Length);

        await using var alice = await silo.OpenStreamAsync("?client_id=alice&groups=team");
        Assert.Equal("alice", await alice.ConnectedAsync());
        using var response = await silo.SendAsync(TestSilo.Request(HttpMethod.Post, "/api/sse/groups/team/send", """{"data":"hi"}""", key: null));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("hi", (await alice.NextAsync()).Data);
    }

    [Fact]
    public async Task NoConfiguration_WarnsOncePerMissingPiece()
    {
        await using var silo = await TestSilo.StartAsync();
        var warnings = silo.Logs.Entries.Where(e => e.Level == LogLevel.Warning).ToArray();
        Assert.Single(warnings, w => w.Id.Id == 500 && w.Message.Contains("PublisherKeys", StringComparison.Ordinal));
        Assert.Single(warnings, w => w.Id.Id == 501 && w.Message.Contains("SubscriberSigningKeys", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SecureConfiguration_DoesNotWarn()
    {
        await using var silo = await TestSilo.StartAsync(TestSilo.Secure());
        Assert.DoesNotContain(silo.Logs.Entries, e => e.Id.Id is 500 or 501);
    }

    [Fact]
    public async Task OnlyPublisherKeys_SubscribersStayOpen_AndOnlyThatIsWarned()
    {
        await using var silo = await TestSilo.StartAsync(new() { ["OrleansSse:Auth:PublisherKeys:0"] = TestSilo.PublisherKey });
        await using var alice = await silo.OpenStreamAsync("?client_id=alice");
        Assert.Equal("alice", await alice.ConnectedAsync());
        Assert.DoesNotContain(silo.Logs.Entries, e => e.Id.Id == 500);
        Assert.Contains(silo.Logs.Entries, e => e.Id.Id == 501);
    }

    [Fact]
    public async Task OnlyPublisherKeys_WarnsThatGroupsOnConnectBypassTheKey_UnlessTheyAreOff()
    {
        await using (var silo = await TestSilo.StartAsync(new() { ["OrleansSse:Auth:PublisherKeys:0"] = TestSilo.PublisherKey }))
        {
            Assert.Single(silo.Logs.Entries, e => e.Id.Id == 506 && e.Message.Contains("MaxGroupsPerConnect", StringComparison.Ordinal));
        }

        await using var closed = await TestSilo.StartAsync(new()
        {
            ["OrleansSse:Auth:PublisherKeys:0"] = TestSilo.PublisherKey,
            ["OrleansSse:Limits:MaxGroupsPerConnect"] = "0",
        });
        Assert.Contains(closed.Logs.Entries, e => e.Id.Id == 501);
        Assert.DoesNotContain(closed.Logs.Entries, e => e.Id.Id == 506);
    }
}

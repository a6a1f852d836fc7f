using System.Net;

namespace OrleansSse.Security.Tests;

public sealed class PublisherKeyTests
{
    public static TheoryData<string, string, string?> ProtectedEndpoints => new()
    {
        { "POST", "/api/sse/send", """{"client_id":"alice","event":"note","data":"forged"}""" },
        { "POST", "/api/sse/broadcast", """{"event":"note","data":"forged"}""" },
        { "POST", "/api/sse/groups/team/send", """{"event":"note","data":"forged"}""" },
        { "PUT", "/api/sse/groups/team/clients/mallory", null },
        { "DELETE", "/api/sse/groups/team/clients/alice", null },
        { "GET", "/api/sse/groups/team", null },
        { "GET", "/api/sse/clients/alice", null },
    };

    [Theory]
    [MemberData(nameof(ProtectedEndpoints))]
    public async Task ProtectedEndpoint_WithoutKey_Is401WithBearerChallenge_AndChangesNothing(string method, string path, string? json)
    {
        await using var silo = await TestSilo.StartAsync(TestSilo.Secure());
        await using var alice = await ConnectAliceInTeamAsync(silo);
        var before = await silo.PublishedTotalAsync();

        using var response = await silo.SendAsync(TestSilo.Request(new HttpMethod(method), path, json, key: null));

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        await AssertNothingChangedAsync(silo, alice, before);
    }

    [Theory]
    [MemberData(nameof(ProtectedEndpoints))]
    public async Task ProtectedEndpoint_WithWrongKey_Is403_AndChangesNothing(string method, string path, string? json)
    {
        await using var silo = await TestSilo.StartAsync(TestSilo.Secure());
        await using var alice = await ConnectAliceInTeamAsync(silo);
        var before = await silo.PublishedTotalAsync();

        using var response = await silo.SendAsync(TestSilo.Request(new HttpMethod(method), path, json, key: TestSilo.PublisherKey + "x"));

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Forbidden);
        await AssertNothingChangedAsync(silo, alice, before);
    }

    [Fact]
    public async Task ManyWrongKeysFromOneAddress_BlockItsCallsUncheckedUntilItSlowsDown()
    {
        const int burst = 100; // wrong keys one address may present at once (PublisherKeyGuard)
        const int perSecond = 10; // and then a second
        var clock = new ManualClock(); // the allowance refills only when the test moves the clock
        await using var silo = await TestSilo.StartAsync(TestSilo.Secure(), clock);
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? blocked = null;
        for (var i = 0; i < 3 * burst && blocked is null; i++)
        {
            var response = await silo.SendAsync(TestSilo.Request(HttpMethod.Post, "/api/sse/broadcast", """{"data":"x"}""", key: "guess-" + i));
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                blocked = response;
            }
            else
            {
                response.Dispose();
            }
        }

        Assert.NotNull(blocked);
        using (blocked)
        {
            Assert.Equal(burst + 1, statuses.Count);
            Assert.All(statuses.Take(burst), s => Assert.Equal(HttpStatusCode.Forbidden, s));
            await ProblemAssert.IsProblemAsync(blocked, HttpStatusCode.TooManyRequests);
            Assert.True(blocked.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));
        }

        Assert.Single(silo.Logs.Entries, e => e.Id.Id == 507);

        // Blocked, the right key is not even checked (a right guess looks like a wrong one) ...
        using (var right = await silo.SendAsync(TestSilo.Request(HttpMethod.Post, "/api/sse/broadcast", """{"data":"x"}""")))
        {
            await ProblemAssert.IsProblemAsync(right, HttpStatusCode.TooManyRequests);
        }

        // ... half a refill later still not ...
        clock.Advance(TimeSpan.FromSeconds(0.5 / perSecond));
        using (var right = await silo.SendAsync(TestSilo.Request(HttpMethod.Post, "/api/sse/broadcast", """{"data":"x"}""")))
        {
            await ProblemAssert.IsProblemAsync(right, HttpStatusCode.TooManyRequests);
        }

        // ... until the allowance refills by one.
        clock.Advance(TimeSpan.FromSeconds(1.0 / perSecond));
        using (var right = await silo.SendAsync(TestSilo.Request(HttpMethod.Post, "/api/sse/broadcast", """{"data":"x"}""")))
        {
            Assert.Equal(HttpStatusCode.Accepted, right.StatusCode);
        }

        Assert.Equal(1, await silo.PublishedTotalAsync());
    }

    [Fact]
    public async Task Send_WithOtherSchemeOrEmptyBearer_Is401()
    {
        await using var silo = await TestSilo.StartAsync(TestSilo.Secure());
        foreach (var header in new[] { "Basic " + TestSilo.PublisherKey, "Bearer ", TestSilo.PublisherKey })
        {
            using var request = TestSilo.Request(HttpMethod.Post, "/api/sse/broadcast", """{"data":"x"}""", key: null);
            request.Headers.TryAddWithoutValidation("Authorization", header);
            using var response = await silo.SendAsync(request);
            await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized);
        }

        Assert.Equal(0, await silo.PublishedTotalAsync());
    }

    [Fact]
    public async Task RotatedKeys_BothPublish()
    {
        await using var silo = await TestSilo.StartAsync(TestSilo.Secure());
        await using var alice = await silo.OpenStreamAsync("?client_id=alice", TestTokens.For("alice"));
        await alice.ConnectedAsync();

        await silo.SendAsync("alice", "note", "old-key", TestSilo.PublisherKey);
        await silo.SendAsync("alice", "note", "new-key", TestSilo.PublisherKey2);

        Assert.Equal("old-key", (await alice.NextAsync()).Data);
        Assert.Equal("new-key", (await alice.NextAsync()).Data);
    }

    [Fact]
    public async Task MembershipAndInfo_WithKey_Work()
    {
        await using var silo = await TestSilo.StartAsync(TestSilo.Secure());
        using var put = await silo.SendAsync(TestSilo.Request(HttpMethod.Put, "/api/sse/groups/team/clients/bob"));
        Assert.Equal(HttpStatusCode.NoContent, put.StatusCode);

        using var group = await silo.SendAsync(TestSilo.Request(HttpMethod.Get, "/api/sse/groups/team", key: TestSilo.PublisherKey2));
        Assert.Equal(HttpStatusCode.OK, group.StatusCode);
        Assert.Contains("bob", await group.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static async Task<SseStream> ConnectAliceInTeamAsync(TestSilo silo)
    {
        var alice = await silo.OpenStreamAsync("?client_id=alice&groups=team", TestTokens.For("alice", groups: ["team"]));
        Assert.Equal("alice", await alice.ConnectedAsync());
        return alice;
    }

    // Nothing was published (the counter is unchanged and a marker sent afterwards is the next
    // event alice sees) and membership is unchanged (alice still in team, mallory not).
    private static async Task AssertNothingChangedAsync(TestSilo silo, SseStream alice, long publishedBefore)
    {
        Assert.Equal(publishedBefore, await silo.PublishedTotalAsync());
        using var marker = await silo.SendAsync(TestSilo.Request(HttpMethod.Post, "/api/sse/groups/team/send", """{"event":"marker","data":"m"}"""));
        Assert.Equal(HttpStatusCode.Accepted, marker.StatusCode);
        Assert.Equal("marker", (await alice.NextAsync()).EventType);

        using var group = await silo.SendAsync(TestSilo.Request(HttpMethod.Get, "/api/sse/groups/team"));
        var members = await group.Content.ReadAsStringAsync();
        Assert.Contains("\"alice\"", members, StringComparison.Ordinal);
        Assert.DoesNotContain("mallory", members, StringComparison.Ordinal);
    }
}

using System.Net;

namespace OrleansSse.Security.Tests;

// The publish-rate tests run on a manual clock: their buckets never refill while they run, however
// slowly the machine serves the calls.
public sealed class LimitTests
{
    [Fact]
    public async Task PublishRate_PastTheBucket_Is429WithRetryAfter_AndPublishesNothing()
    {
        var clock = new ManualClock();
        await using var silo = await TestSilo.StartAsync(TestSilo.Secure(
            ("OrleansSse:Limits:PublishEventsPerSecond", "1"), ("OrleansSse:Limits:PublishBurst", "2")), clock);
        await using var alice = await silo.OpenStreamAsync("", TestTokens.For("alice"));
        await alice.ConnectedAsync();

        await silo.SendAsync("alice", "note", "1");
        await silo.SendAsync("alice", "note", "2");
        using var third = await silo.SendAsync(TestSilo.Request(HttpMethod.Post, "/api/sse/send", """{"client_id":"alice","data":"3"}"""));

        await ProblemAssert.IsProblemAsync(third, HttpStatusCode.TooManyRequests);
        Assert.True(third.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));
        Assert.Equal(2, await silo.PublishedTotalAsync());

        // The budget is per key: the second key still publishes.
        await silo.SendAsync("alice", "note", "other-key", TestSilo.PublisherKey2);
        Assert.Equal("1", (await alice.NextAsync()).Data);
        Assert.Equal("2", (await alice.NextAsync()).Data);
        Assert.Equal("other-key", (await alice.NextAsync()).Data);

        // A second later the first key has one call again, and only one.
        clock.Advance(TimeSpan.FromSeconds(1));
        await silo.SendAsync("alice", "note", "4");
        using var fifth = await silo.SendAsync(TestSilo.Request(HttpMethod.Post, "/api/sse/send", """{"client_id":"alice","data":"5"}"""));
        await ProblemAssert.IsProblemAsync(fifth, HttpStatusCode.TooManyRequests);
        Assert.Equal("4", (await alice.NextAsync()).Data);
    }

    [Fact]
    public async Task PublishRate_CountsReadCallsToo_AndThe429SaysCalls()
    {
        await using var silo = await TestSilo.StartAsync(TestSilo.Secure(
            ("OrleansSse:Limits:PublishEventsPerSecond", "1"), ("OrleansSse:Limits:PublishBurst", "1")), new ManualClock());
        using var first = await silo.SendAsync(TestSilo.Request(HttpMethod.Get, "/api/sse/clients/alice"));
        using var second = await silo.SendAsync(TestSilo.Request(HttpMethod.Get, "/api/sse/clients/alice"));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        await ProblemAssert.IsProblemAsync(second, HttpStatusCode.TooManyRequests);
        Assert.Equal("Too many calls from this publisher.", await ProblemAssert.DetailAsync(second));
    }

    [Fact]
    public async Task PublishRate_InOpenMode_IsPerRemoteAddress()
    {
        await using var silo = await TestSilo.StartAsync(
            new()
            {
                ["OrleansSse:Limits:PublishEventsPerSecond"] = "1",
                ["OrleansSse:Limits:PublishBurst"] = "1",
            },
            new ManualClock());
        using var first = await silo.SendAsync(TestSilo.Request(HttpMethod.Post, "/api/sse/broadcast", """{"data":"1"}""", key: null));
        using var second = await silo.SendAsync(TestSilo.Request(HttpMethod.Post, "/api/sse/broadcast", """{"data":"2"}""", key: null));

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        await ProblemAssert.IsProblemAsync(second, HttpStatusCode.TooManyRequests);
        Assert.Equal(1, await silo.PublishedTotalAsync());
    }

    [Fact]
    public async Task PublishRate_InOpenMode_CountsAnIpv6PublisherByItsSlash64()
    {
        await using var silo = await TestSilo.StartAsync(
            new()
            {
                ["OrleansSse:Limits:PublishEventsPerSecond"] = "1",
                ["OrleansSse:Limits:PublishBurst"] = "1",
            },
            new ManualClock());
        HttpRequestMessage From(string ip, string data)
        {
            var request = TestSilo.Request(HttpMethod.Post, "/api/sse/broadcast", $$"""{"data":"{{data}}"}""", key: null);
            request.Headers.Add("X-Forwarded-For", ip);
            return request;
        }

        using var first = await silo.SendAsync(From("2001:db8:5:6::1", "1"));
        using var otherNetwork = await silo.SendAsync(From("2001:db8:5:7::1", "2"));
        using var sameNetwork = await silo.SendAsync(From("2001:db8:5:6::abcd", "3"));

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, otherNetwork.StatusCode);
        await ProblemAssert.IsProblemAsync(sameNetwork, HttpStatusCode.TooManyRequests);
        Assert.Equal(2, await silo.PublishedTotalAsync());
    }

    [Fact]
    public async Task GroupsPerClient_PutPastTheLimit_Is409_AndDoesNotJoin()
    {
        await using var silo = await TestSilo.StartAsync(TestSilo.Secure(("OrleansSse:Limits:MaxGroupsPerClient", "2")));
        foreach (var group in new[] { "g1", "g2", "g2" })
        {
            using var ok = await silo.SendAsync(TestSilo.Request(HttpMethod.Put, $"/api/sse/groups/{group}/clients/alice"));
            Assert.Equal(HttpStatusCode.NoContent, ok.StatusCode);
        }

        using var refused = await silo.SendAsync(TestSilo.Request(HttpMethod.Put, "/api/sse/groups/g3/clients/alice"));
        await ProblemAssert.IsProblemAsync(refused, HttpStatusCode.Conflict);

        using var info = await silo.SendAsync(TestSilo.Request(HttpMethod.Get, "/api/sse/clients/alice"));
        Assert.DoesNotContain("g3", await info.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // Without a key the quota is never consulted: 401 first.
        using var anonymous = await silo.SendAsync(TestSilo.Request(HttpMethod.Put, "/api/sse/groups/g3/clients/alice", key: null));
        await ProblemAssert.IsProblemAsync(anonymous, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task GroupsPerClient_ManyConcurrentPuts_JoinExactlyTheLimit()
    {
        await using var silo = await TestSilo.StartAsync(TestSilo.Secure(("OrleansSse:Limits:MaxGroupsPerClient", "5")));
        var groups = Enumerable.Range(0, 40).Select(i => $"race-{i}").ToArray();

        var answers = await Task.WhenAll(groups.Select(async group =>
        {
            using var response = await silo.SendAsync(TestSilo.Request(HttpMethod.Put, $"/api/sse/groups/{group}/clients/racer"));
            if (response.StatusCode == HttpStatusCode.Conflict)
            {
                await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Conflict);
            }

            return response.StatusCode;
        }));

        Assert.Equal(5, answers.Count(a => a == HttpStatusCode.NoContent));
        Assert.Equal(35, answers.Count(a => a == HttpStatusCode.Conflict));
        using var info = await silo.SendAsync(TestSilo.Request(HttpMethod.Get, "/api/sse/clients/racer"));
        var joined = System.Text.Json.JsonDocument.Parse(await info.Content.ReadAsStringAsync()).RootElement.GetProperty("groups");
        Assert.Equal(5, joined.GetArrayLength());
    }

    [Fact]
    public async Task GroupsPerClient_OnConnectPastTheLimit_Is409()
    {
        await using var silo = await TestSilo.StartAsync(TestSilo.Secure(("OrleansSse:Limits:MaxGroupsPerClient", "2")));
        using var put = await silo.SendAsync(TestSilo.Request(HttpMethod.Put, "/api/sse/groups/g1/clients/alice"));

        await using var refused = await silo.OpenStreamAsync("?groups=g2,g3", TestTokens.For("alice", groups: [SubscriberTokenFormat.AnyGroup]));
        await ProblemAssert.IsProblemAsync(refused.Response, HttpStatusCode.Conflict);

        await using var stream = await silo.OpenStreamAsync("?groups=g1,g2", TestTokens.For("alice", groups: [SubscriberTokenFormat.AnyGroup]));
        Assert.Equal("alice", await stream.ConnectedAsync());
    }

    [Fact]
    public async Task MaxConnectionLifetime_EndsTheStreamGracefully()
    {
        await using var silo = await TestSilo.StartAsync(new() { ["OrleansSse:Limits:MaxConnectionLifetime"] = "00:00:01" });
        await using var stream = await silo.OpenStreamAsync("?client_id=alice");
        await stream.ConnectedAsync();

        Assert.True(await stream.Ended.WaitAsync(TimeSpan.FromSeconds(10)), "the stream was cut instead of ended");
    }

    [Theory]
    [InlineData("connected")]
    [InlineData("ai_response")]
    public async Task ReservedEventNames_AreRefused_400(string name)
    {
        await using var silo = await TestSilo.StartAsync(TestSilo.Secure());
        using var response = await silo.SendAsync(TestSilo.Request(HttpMethod.Post, "/api/sse/broadcast", $$"""{"event":"{{name}}","data":"x"}"""));
        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal(0, await silo.PublishedTotalAsync());
    }

    [Theory]
    [InlineData("PUT", "/api/sse/groups/bad%20name/clients/alice")]
    [InlineData("DELETE", "/api/sse/groups/team/clients/bad%0Aid")]
    [InlineData("GET", "/api/sse/groups/bad%3Bname")]
    [InlineData("GET", "/api/sse/clients/%C3%A9")]
    [InlineData("POST", "/api/sse/groups/bad$name/send")]
    [InlineData("GET", "/api/sse?client_id=bad%20id")]
    [InlineData("GET", "/api/sse?groups=ok,bad%0Dname")]
    [InlineData("GET", "/api/sse?groups=ok,bad$")]
    public async Task InvalidNames_AreRefused_400_AtEveryEndpoint(string method, string path)
    {
        await using var silo = await TestSilo.StartAsync();
        using var response = await silo.SendAsync(TestSilo.Request(new HttpMethod(method), path, method == "POST" ? """{"data":"x"}""" : null, key: null));
        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData("""{"client_id":"\ud800","data":"x"}""")]
    [InlineData("""{"client_id":"alice","event":"\udc00","data":"x"}""")]
    [InlineData("""{"client_id":"alice","data":"a\ud800b"}""")]
    public async Task LoneSurrogatesInTheBody_Are400_Not500(string body)
    {
        await using var silo = await TestSilo.StartAsync();
        using var response = await silo.SendAsync(TestSilo.Request(HttpMethod.Post, "/api/sse/send", body, key: null));
        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
    }
}

using System.Net;

namespace OrleansSse.Security.Tests;

/// <summary>
/// Once publisher keys are configured, <c>POST /api/sse/clients/{client_id}/disconnect</c> and
/// <c>POST /api/ai/stream-chat</c> need one too (README API bullets, "Running in production"):
/// without it 401 with a Bearer challenge, with a wrong one 403, and the target client's stream
/// stays open and receives nothing; with the key they work.
/// </summary>
public sealed class DisconnectAndAiKeyTests
{
    public static TheoryData<string, string?> Endpoints => new()
    {
        { "/api/sse/clients/alice/disconnect", null },
        { "/api/ai/stream-chat", """{"prompt":"say something","client_id":"alice"}""" },
    };

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task WithoutAKeyIs401AndWithAWrongKey403_AndAlicesStreamStaysOpenAndQuiet(string path, string? json)
    {
        await using var silo = await TestSilo.StartAsync(TestSilo.Secure());
        await using var alice = await silo.OpenStreamAsync("?client_id=alice", TestTokens.For("alice"));
        Assert.Equal("alice", await alice.ConnectedAsync());

        using (var noKey = await silo.SendAsync(TestSilo.Request(HttpMethod.Post, path, json, key: null)))
        {
            await ProblemAssert.IsProblemAsync(noKey, HttpStatusCode.Unauthorized);
            Assert.Equal("Bearer", noKey.Headers.WwwAuthenticate.Single().Scheme);
        }

        using (var wrongKey = await silo.SendAsync(TestSilo.Request(HttpMethod.Post, path, json, key: TestSilo.PublisherKey + "x")))
        {
            await ProblemAssert.IsProblemAsync(wrongKey, HttpStatusCode.Forbidden);
        }

        // Not disconnected and no answer started: a marker sent afterwards is alice's next event.
        await silo.SendAsync("alice", "marker", "m");
        var next = await alice.NextAsync();
        Assert.Equal(("marker", "m"), (next.EventType, next.Data));
        Assert.False(alice.Ended.IsCompleted, "alice's stream ended");
    }

    [Fact]
    public async Task WithTheKeyDisconnectEndsTheStreamAndAiStreamsTheAnswer()
    {
        await using var silo = await TestSilo.StartAsync(TestSilo.Secure());
        await using var alice = await silo.OpenStreamAsync("?client_id=alice", TestTokens.For("alice"));
        Assert.Equal("alice", await alice.ConnectedAsync());

        using (var prompt = await silo.SendAsync(TestSilo.Request(HttpMethod.Post, "/api/ai/stream-chat", """{"prompt":"say something","client_id":"alice"}""")))
        {
            Assert.Equal(HttpStatusCode.Accepted, prompt.StatusCode);
        }

        Assert.Equal("ai_response", (await alice.NextAsync()).EventType);

        using (var disconnect = await silo.SendAsync(TestSilo.Request(HttpMethod.Post, "/api/sse/clients/alice/disconnect", key: TestSilo.PublisherKey2)))
        {
            Assert.Equal(HttpStatusCode.NoContent, disconnect.StatusCode);
        }

        await alice.Ended.WaitAsync(SseStream.Timeout);
    }
}

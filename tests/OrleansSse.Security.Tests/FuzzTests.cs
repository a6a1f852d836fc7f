using System.Net;
using System.Text;
using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;

namespace OrleansSse.Security.Tests;

/// <summary>
/// Property-based: random and hostile bodies, query strings, headers and ids at every endpoint of a
/// secured and an open silo. Every answer is 2xx, 3xx or 4xx, never 5xx; a stream open during the
/// whole run stays open and well-formed: every event parses, carries a valid id, and the events it
/// got are exactly the broadcasts the silo accepted, in order, with their data intact.
/// </summary>
public sealed class FuzzTests
{
    private const int Requests = 250;

    [Fact]
    public async Task HostileRequests_NeverGet5xx_AndOpenStreamsStayWellFormed()
    {
        await using var secure = await TestSilo.StartAsync(TestSilo.Secure(
            ("OrleansSse:Auth:AllowTokenInQuery", "true"),
            ("OrleansSse:Cors:AllowedOrigins:0", "https://app.example.com"),
            ("OrleansSse:Limits:PublishEventsPerSecond", "0")));
        await using var open = await TestSilo.StartAsync(new() { ["OrleansSse:Limits:PublishEventsPerSecond"] = "0" });
        var silos = new[] { (Silo: secure, Expected: new List<(string Event, string Data)>()), (Silo: open, Expected: []) };
        await using var secureWatcher = await secure.OpenStreamAsync("?client_id=watcher&groups=watchers", TestTokens.For("watcher", groups: ["watchers"]));
        await using var openWatcher = await open.OpenStreamAsync("?client_id=watcher&groups=watchers");
        await secureWatcher.ConnectedAsync();
        await openWatcher.ConnectedAsync();

        // Hostile payloads that must arrive intact as one event each (and give the final check substance).
        foreach (var body in Forgeries)
        {
            var request = new FuzzRequest("POST", "/api/sse/broadcast", [("Authorization", "Bearer " + TestSilo.PublisherKey)], body);
            foreach (var (silo, expected) in silos)
            {
                Assert.Equal(202, await SendAsync(silo, request, expected));
            }
        }

        var property = Prop.ForAll(HostileInput.Request.ToArbitrary(), request =>
        {
            foreach (var (silo, expected) in silos)
            {
                var status = SendAsync(silo, request, expected).GetAwaiter().GetResult();
                if (status >= 500)
                {
                    throw new Xunit.Sdk.XunitException($"{status} from {silo.Address} for {request}");
                }
            }
        });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(Requests).WithQuietOnSuccess(true), property);

        await AssertWellFormedAsync(secure, secureWatcher, silos[0].Expected);
        await AssertWellFormedAsync(open, openWatcher, silos[1].Expected);
    }

    private static readonly string[] Forgeries =
    [
        """{"data":"x\n\nevent: connected\ndata: forged\n\n"}""",
        """{"event":"e","data":"id: 1-1\r\nretry: 1\r\rdata: y\r\n"}""",
        """{"data":"\u0000: comment\n:\n"}""",
        """{"data":{"nested":"\n\nevent: connected"}}""",
        """{"event":"x:y","data":""}""",
        """{"data":"é日本😀"}""",
    ];

    private static async Task<int> SendAsync(TestSilo silo, FuzzRequest request, List<(string Event, string Data)> expected)
    {
        using var message = request.ToMessage();
        using var response = await silo.SendAsync(message);
        var status = (int)response.StatusCode;
        if (status == (int)HttpStatusCode.Accepted && request.Method == "POST" && request.PathAndQuery.StartsWith("/api/sse/broadcast", StringComparison.Ordinal))
        {
            expected.Add(ExpectedEvent(request.Body!));
        }

        return status;
    }

    // What the silo must deliver for an accepted broadcast body, as SseParser reads it back.
    private static (string Event, string Data) ExpectedEvent(string body)
    {
        using var json = JsonDocument.Parse(body);
        var root = json.RootElement;
        var name = root.TryGetProperty("event", out var e) && e.ValueKind == JsonValueKind.String ? e.GetString()! : "message";
        var data = root.GetProperty("data");
        var text = data.ValueKind == JsonValueKind.String ? data.GetString()! : JsonSerializer.Serialize(data);
        return (name, Normalize(text));
    }

    // The wire is UTF-8 (lone surrogates become U+FFFD) and CR, LF and CRLF all end a data line.
    private static string Normalize(string text) =>
        Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(text)).Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n');

    private static async Task AssertWellFormedAsync(TestSilo silo, SseStream watcher, List<(string Event, string Data)> expected)
    {
        Assert.False(watcher.Ended.IsCompleted, "the watcher's stream ended during the run");
        using var marker = await silo.SendAsync(TestSilo.Request(HttpMethod.Post, "/api/sse/broadcast", """{"event":"end-of-fuzz","data":"m"}"""));
        Assert.Equal(HttpStatusCode.Accepted, marker.StatusCode);

        var received = new List<(string Event, string Data)>();
        while (true)
        {
            var item = await watcher.NextAsync();
            Assert.True(EventCursor.TryParse(item.EventId, out _), $"event without a valid id: {item.EventType} {item.EventId}");
            Assert.True(SseNames.IsPublishableEventName(item.EventType), $"unexpected event name '{item.EventType}'");
            if (item.EventType == "end-of-fuzz")
            {
                break;
            }

            received.Add((item.EventType, item.Data));
        }

        Assert.Equal(expected.Count, received.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].Event, received[i].Event);
            Assert.Equal(expected[i].Data, received[i].Data);
        }
    }
}

using System.Net;
using OrleansSse.Testing;

namespace OrleansSse.Silo.Tests;

/// <summary>
/// Bad input gets a 4xx with a JSON problem body and changes nothing: the published-events counter
/// stays put and a watching member of every target receives nothing before a later marker.
/// </summary>
public sealed class BadInputTests
{
    private const int MaxBodyBytes = 2048;
    private static readonly string LongKey = new('k', SseNames.MaxKeyLength + 1);
    private static readonly string LongEvent = new('e', SseNames.MaxEventLength + 1);

    public static TheoryData<string, string, string, int> BadPublishes => new()
    {
        { "POST", "/api/sse/send", """{"client_id":"bad id","event":"x","data":"d"}""", 400 },
        { "POST", "/api/sse/send", """{"client_id":"bad/id","data":"d"}""", 400 },
        { "POST", "/api/sse/send", $$"""{"client_id":"{{LongKey}}","data":"d"}""", 400 },
        { "POST", "/api/sse/send", """{"client_id":"","data":"d"}""", 400 },
        { "POST", "/api/sse/send", $$"""{"client_id":"watcher","event":"{{LongEvent}}","data":"d"}""", 400 },
        { "POST", "/api/sse/send", """{"client_id":"watcher","event":"a\nb","data":"d"}""", 400 },
        { "POST", "/api/sse/send", """{"client_id":"watcher","event":"a\rb","data":"d"}""", 400 },
        { "POST", "/api/sse/send", """{"client_id":"watcher","event":"a\u0000b","data":"d"}""", 400 },
        { "POST", "/api/sse/send", """{"client_id":"watcher","event":"has space","data":"d"}""", 400 },
        { "POST", "/api/sse/send", """{"client_id":"watcher","event":"connected","data":"d"}""", 400 },
        { "POST", "/api/sse/send", """{"client_id":"watcher","event":"x","data":""", 400 },
        { "POST", "/api/sse/send", """not json at all""", 400 },
        { "POST", "/api/sse/send", """[1,2,3]""", 400 },
        { "POST", "/api/sse/send", """{"event":"x","data":"d"}""", 400 },
        { "POST", "/api/sse/send", """{"client_id":"watcher","event":"x"}""", 400 },
        { "POST", "/api/sse/send", """{"client_id":42,"data":"d"}""", 400 },
        { "POST", "/api/sse/send", """{"client_id":"watcher","data":"d","client_id":"other"}""", 400 },
        { "POST", "/api/sse/send", $$"""{"client_id":"watcher","data":"{{new string('x', MaxBodyBytes)}}"}""", 413 },
        { "POST", "/api/sse/send", """{"client_id":"watcher","data":"d","coalesce_key":"bad key"}""", 400 },
        { "POST", "/api/sse/send", """{"client_id":"watcher","data":"d","coalesce_key":""}""", 400 },
        { "POST", "/api/sse/send", """{"client_id":"watcher","data":"d","coalesce_key":42}""", 400 },
        { "POST", "/api/sse/broadcast", $$"""{"data":"d","coalesce_key":"{{LongKey}}"}""", 400 },
        { "POST", "/api/sse/send", """{"client_id":"watcher","evnet":"typo","data":"d"}""", 400 },
        { "POST", "/api/sse/send", """{"client_id":"watcher","data":"d","Data":"e"}""", 400 },
        { "POST", "/api/sse/broadcast", """{"client_id":"watcher","data":"private"}""", 400 },
        { "POST", "/api/sse/broadcast", """{"data":"d","priority":1}""", 400 },
        { "POST", "/api/sse/groups/watchers/send", """{"client_id":"watcher","data":"private"}""", 400 },
        { "POST", "/api/sse/groups/watchers/send", """{"data":"d","":0}""", 400 },
        { "POST", "/api/sse/groups/watchers/send", """{"data":"d","coalesce_key":"a/b"}""", 400 },
        { "POST", "/api/sse/broadcast", """{"event":"connected","data":"d"}""", 400 },
        { "POST", "/api/sse/broadcast", """{"event":"error","data":"d"}""", 400 },
        { "POST", "/api/sse/send", """{"client_id":"watcher","event":"open","data":"d"}""", 400 },
        { "POST", "/api/sse/groups/watchers/send", """{"event":"ai_response","data":"d"}""", 400 },
        { "POST", "/api/sse/broadcast", """{"event":"a\nb","data":"d"}""", 400 },
        { "POST", "/api/sse/broadcast", """{"data":""", 400 },
        { "POST", "/api/sse/broadcast", """{"event":"x"}""", 400 },
        { "POST", "/api/sse/broadcast", """{"data":"a","data":"b"}""", 400 },
        { "POST", "/api/sse/broadcast", $$"""{"data":"{{new string('x', MaxBodyBytes)}}"}""", 413 },
        { "POST", "/api/sse/groups/bad!group/send", """{"data":"d"}""", 400 },
        { "POST", $"/api/sse/groups/{LongKey}/send", """{"data":"d"}""", 400 },
        { "POST", "/api/sse/groups/watchers/send", """{"event":"a\u0000b","data":"d"}""", 400 },
        { "POST", "/api/sse/groups/watchers/send", """{"event":"connected","data":"d"}""", 400 },
        { "POST", "/api/sse/groups/watchers/send", """{"data":""", 400 },
        { "PUT", "/api/sse/groups/bad!group/clients/watcher", "", 400 },
        { "PUT", $"/api/sse/groups/{LongKey}/clients/watcher", "", 400 },
        { "PUT", "/api/sse/groups/watchers/clients/bad!id", "", 400 },
        { "DELETE", "/api/sse/groups/watchers/clients/bad!id", "", 400 },
        { "GET", "/api/sse/clients/bad!id", "", 400 },
        { "GET", "/api/sse/groups/bad!group", "", 400 },

        // Keys need a letter or digit: no dot segment ('.', '..') that a URL path would collapse.
        { "POST", "/api/sse/send", """{"client_id":"..","data":"d"}""", 400 },
        { "POST", "/api/sse/send", """{"client_id":".","data":"d"}""", 400 },
        { "POST", "/api/sse/send", """{"client_id":"watcher","data":"d","coalesce_key":".."}""", 400 },
        { "POST", "/api/sse/groups/-_/send", """{"data":"d"}""", 400 },
        { "PUT", "/api/sse/groups/watchers/clients/@:", "", 400 },
        { "DELETE", "/api/sse/groups/watchers/clients/-", "", 400 },
        { "GET", "/api/sse/clients/_", "", 400 },
        { "GET", "/api/sse/groups/--", "", 400 },
    };

    [Theory]
    [MemberData(nameof(BadPublishes))]
    public async Task BadRequestGetsProblemJsonAndPublishesNothing(string method, string path, string body, int expectedStatus)
    {
        await using var cluster = await SseTestCluster.StartAsync(new SseTestClusterOptions
        {
            Settings = { ["OrleansSse:Limits:MaxBodyBytes"] = MaxBodyBytes.ToString(System.Globalization.CultureInfo.InvariantCulture) },
        });
        var silo = cluster.Silos[0];
        var api = new SiloApi(silo.Http);
        await api.AddToGroupAsync("watchers", "watcher");
        await using var watcher = await cluster.ConnectAsync(0, "watcher");
        var published = await silo.ReadMetricAsync("orleanssse_events_published_total");

        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method is "POST" or "PUT" && body.Length > 0)
        {
            request.Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        }

        using var response = await silo.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();

        Assert.True((int)response.StatusCode == expectedStatus, $"{method} {path}: expected {expectedStatus}, got {(int)response.StatusCode} {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("{", text.TrimStart(), StringComparison.Ordinal);
        Assert.Equal(published, await silo.ReadMetricAsync("orleanssse_events_published_total"));
        Assert.Equal(["watcher"], (await api.GetJsonAsync("/api/sse/groups/watchers"))["clients"]!.AsArray().Select(c => c!.GetValue<string>()));
        var marker = await api.BroadcastAsync("marker");
        Assert.Equal(marker, (await watcher.NextAsync(Wait.Timeout)).Id);
    }

    [Theory]
    [InlineData("/api/sse/send", """{"client_id":"w","evnet":"x","data":"d"}""", "Unknown property 'evnet'. Allowed: client_id, event, data, coalesce_key.")]
    [InlineData("/api/sse/broadcast", """{"client_id":"w","data":"d"}""", "'client_id' is not a property of this endpoint")]
    [InlineData("/api/sse/broadcast", """{"client_id":"w","data":"d"}""", "Allowed: event, data, coalesce_key.")]
    [InlineData("/api/sse/groups/g/send", """{"data":"d","target":"w"}""", "Unknown property 'target'. Allowed: event, data, coalesce_key.")]
    [InlineData("/api/sse/send", """{"client_id":"w","data":"d","coalesce_key":5}""", "'coalesce_key' must be a string.")]
    [InlineData("/api/sse/send", """{"client_id":"w","data":"d","event":5}""", "'event' must be a string.")]
    [InlineData("/api/sse/send", """{"client_id":"..","data":"d"}""", "'client_id' must be 1-128 characters of ASCII letters, digits and -_.:@, at least one of them a letter or digit.")]
    public async Task TheProblemSaysWhatIsWrongWithTheBody(string path, string body, string expected)
    {
        await using var cluster = await SseTestCluster.StartAsync();

        using var response = await new SiloApi(cluster.Silos[0].Http).PostAsync(path, body);
        using var problem = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(expected, problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("client_id=bad%20id")]
    [InlineData("client_id=bad!id")]
    [InlineData("groups=ok,bad!group")]
    [InlineData("client_id=..")]
    [InlineData("client_id=.")]
    [InlineData("client_id=-")]
    [InlineData("groups=ok,..")]
    public async Task StreamWithInvalidClientIdOrGroupIsRefusedWithProblemJson(string query)
    {
        await using var cluster = await SseTestCluster.StartAsync();

        await using var connection = await cluster.ConnectPathAsync(0, "/api/sse?" + query);

        Assert.Equal(HttpStatusCode.BadRequest, connection.StatusCode);
        Assert.Equal("application/problem+json", connection.ContentHeaders.ContentType?.MediaType);
        Assert.Null(connection.Connected);
    }

    [Fact]
    public async Task StreamWithOverLongClientIdIsRefused()
    {
        await using var cluster = await SseTestCluster.StartAsync();

        await using var connection = await cluster.ConnectPathAsync(0, SseTestCluster.StreamPath(LongKey));

        Assert.Equal(HttpStatusCode.BadRequest, connection.StatusCode);
        Assert.Equal("application/problem+json", connection.ContentHeaders.ContentType?.MediaType);
    }
}

using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace OrleansSse.Browser.Tests;

/// <summary>The console page opens its EventSource by itself and shows who it is.</summary>
[Collection(BrowserCollection.Name)]
public sealed class PageConnectionTests(ChromiumFixture chromium, ITestOutputHelper output)
{
    [Fact]
    public async Task PageConnectsByItselfAndShowsTheClientIdOfItsConnectedEvent()
    {
        await using var cluster = await BrowserCluster.StartAsync();
        await using var page = await ConsolePage.OpenAsync(
            chromium.Browser, cluster.Silos[0].BaseAddress, clientId: null, output, nameof(PageConnectsByItselfAndShowsTheClientIdOfItsConnectedEvent));

        await page.ExpectStateAsync("open");
        await page.WaitForConnectedCountAsync(1);
        await page.ExpectRecoveredAsync(true); // a first connect has nothing to miss

        var connected = Assert.Single(await page.ReadLogAsync());
        Assert.Equal("connected", connected.Event);
        Assert.Equal("", connected.Id);
        using var data = JsonDocument.Parse(connected.Data);
        Assert.Equal("connected", data.RootElement.GetProperty("status").GetString());
        Assert.True(data.RootElement.GetProperty("recovered").GetBoolean());
        var clientId = data.RootElement.GetProperty("client_id").GetString();
        Assert.False(string.IsNullOrEmpty(clientId));
        Assert.Equal(clientId, await page.Page.InputValueAsync("#client-id"));
        Assert.Contains(clientId!, await page.Page.TextContentAsync("#connected-info") ?? "", StringComparison.Ordinal);

        // The silo sees the browser's stream under that id.
        var info = await cluster.Silos[0].Http.GetFromJsonAsync<JsonObject>($"/api/sse/clients/{clientId}");
        Assert.True(info!["online"]!.GetValue<bool>(), $"the silo does not see {clientId} online: {info.ToJsonString()}");
        page.AssertNoScriptErrors();
    }

    [Fact]
    public async Task PageConnectsWithTheClientIdFromItsQueryString()
    {
        await using var cluster = await BrowserCluster.StartAsync();
        await using var page = await ConsolePage.OpenAsync(
            chromium.Browser, cluster.Silos[0].BaseAddress, "web-query-id", output, nameof(PageConnectsWithTheClientIdFromItsQueryString));

        await page.ExpectStateAsync("open");
        await page.WaitForConnectedCountAsync(1);

        var connected = Assert.Single(await page.ReadLogAsync());
        using var data = JsonDocument.Parse(connected.Data);
        Assert.Equal("web-query-id", data.RootElement.GetProperty("client_id").GetString());
        Assert.Equal("web-query-id", await page.Page.InputValueAsync("#client-id"));
        var request = Assert.Single(page.StreamResponses).Request;
        Assert.Equal("web-query-id", System.Web.HttpUtility.ParseQueryString(new Uri(request.Url).Query)["client_id"]);
        page.AssertNoScriptErrors();
    }
}

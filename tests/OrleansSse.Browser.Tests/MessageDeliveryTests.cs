using System.Text.Json;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace OrleansSse.Browser.Tests;

/// <summary>Events published to the page's client id, its group and everyone show in its log, in publish order.</summary>
[Collection(BrowserCollection.Name)]
public sealed class MessageDeliveryTests(ChromiumFixture chromium, ITestOutputHelper output)
{
    [Fact]
    public async Task DirectGroupAndBroadcastSendsThroughTheApiAppearInTheLogInOrder()
    {
        const string client = "web-messages";
        await using var cluster = await BrowserCluster.StartAsync();
        await using var page = await ConsolePage.OpenAsync(
            chromium.Browser, cluster.Silos[0].BaseAddress, client, output, nameof(DirectGroupAndBroadcastSendsThroughTheApiAppearInTheLogInOrder));
        await page.ExpectStateAsync("open");
        await page.WaitForConnectedCountAsync(1);
        var api = new SiloApi(cluster.Silos[0].Http);

        var expected = new List<(string Id, string Data)>();
        var (directId, online) = await api.SendAsync(client, "direct 1");
        Assert.True(online, "the silo does not see the browser online");
        expected.Add((directId, "direct 1"));
        await api.AddToGroupAsync("room-a", client);
        expected.Add((await api.GroupSendAsync("room-a", "to room-a"), "to room-a"));
        expected.Add((await api.BroadcastAsync("to everyone"), "to everyone"));
        expected.Add(((await api.SendAsync(client, "direct 2 ✓ <b>not html</b>")).Id, "direct 2 ✓ <b>not html</b>"));
        await page.WaitForEventIdAsync(expected[^1].Id);

        var rows = (await page.ReadLogAsync()).Where(r => r.Event != "connected").ToList();
        Assert.Equal(expected.Select(e => e.Id), rows.Select(r => r.Id));
        Assert.Equal(expected.Select(e => e.Data), rows.Select(r => r.Data));
        Assert.All(rows, r => Assert.Equal("message", r.Event));
        Assert.Equal("5", await page.Page.GetAttributeAsync("#log", "data-count"));
        Assert.Equal(0, await page.Page.Locator("#log b").CountAsync()); // data is shown as text
        page.AssertNoScriptErrors();
    }

    [Fact]
    public async Task ConsoleFormsJoinAGroupAndSendToItAndToSelfAndTheEventsAppear()
    {
        const string client = "web-forms";
        await using var cluster = await BrowserCluster.StartAsync();
        await using var page = await ConsolePage.OpenAsync(
            chromium.Browser, cluster.Silos[0].BaseAddress, client, output, nameof(ConsoleFormsJoinAGroupAndSendToItAndToSelfAndTheEventsAppear));
        await page.ExpectStateAsync("open");
        await page.WaitForConnectedCountAsync(1);
        var timeout = new LocatorAssertionsToHaveTextOptions { Timeout = (float)ConsolePage.Timeout.TotalMilliseconds };

        await page.Page.FillAsync("#group-name", "room-f");
        await page.Page.ClickAsync("#join-group");
        await Expect(page.Page.Locator("#group-result")).ToHaveTextAsync("204", timeout);
        await Expect(page.Page.Locator("#my-groups")).ToHaveTextAsync("room-f", timeout);

        await page.Page.SelectOptionAsync("#send-target", "group");
        await page.Page.FillAsync("#send-to", "room-f");
        await page.Page.FillAsync("#send-data", "from the group form");
        var groupId = await page.SubmitSendFormAsync();

        await page.Page.SelectOptionAsync("#send-target", "self");
        await page.Page.FillAsync("#send-data", "from the self form");
        var selfId = await page.SubmitSendFormAsync();

        await page.WaitForEventIdAsync(selfId);
        var rows = (await page.ReadLogAsync()).Where(r => r.Event != "connected").ToList();
        Assert.Equal([groupId, selfId], rows.Select(r => r.Id));
        Assert.Equal(["from the group form", "from the self form"], rows.Select(r => r.Data));
        page.AssertNoScriptErrors();
    }

    [Fact]
    public async Task TwoTabsOfOneBrowserGetTheirOwnClientIdsAndMessageEachOther()
    {
        await using var cluster = await BrowserCluster.StartAsync();
        var silo = cluster.Silos[0].BaseAddress;
        await using var first = await ConsolePage.OpenAsync(chromium.Browser, silo, null, output, nameof(TwoTabsOfOneBrowserGetTheirOwnClientIdsAndMessageEachOther) + "-first");
        await using var second = await first.OpenAnotherTabAsync(silo, nameof(TwoTabsOfOneBrowserGetTheirOwnClientIdsAndMessageEachOther) + "-second");
        await first.ExpectStateAsync("open");
        await second.ExpectStateAsync("open");
        await first.WaitForConnectedCountAsync(1);
        await second.WaitForConnectedCountAsync(1);
        var firstId = await first.Page.InputValueAsync("#client-id");
        var secondId = await second.Page.InputValueAsync("#client-id");
        Assert.NotEqual(firstId, secondId);

        await first.Page.SelectOptionAsync("#send-target", "client");
        await first.Page.FillAsync("#send-to", secondId);
        await first.Page.FillAsync("#send-data", "hello from the first tab");
        var id = await first.SubmitSendFormAsync();
        await second.WaitForEventIdAsync(id);

        // The first tab did not get it: its next event is a broadcast sent after it.
        var marker = await new SiloApi(cluster.Silos[0].Http).BroadcastAsync("marker");
        await first.WaitForEventIdAsync(marker);
        var firstRows = (await first.ReadLogAsync()).Where(r => r.Event != "connected").ToList();
        Assert.Equal([marker], firstRows.Select(r => r.Id));
        var secondRows = (await second.ReadLogAsync()).Where(r => r.Event != "connected").ToList();
        Assert.Equal("hello from the first tab", secondRows.First(r => r.Id == id).Data);
        first.AssertNoScriptErrors();
        second.AssertNoScriptErrors();
    }
}

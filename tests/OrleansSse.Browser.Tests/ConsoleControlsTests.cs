using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace OrleansSse.Browser.Tests;

/// <summary>
/// What the console tells its user: why a stream was refused, the groups it joined on connect,
/// events under names it sent itself, and a log count that Clear resets.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ConsoleControlsTests(ChromiumFixture chromium, ITestOutputHelper output)
{
    private static readonly LocatorAssertionsToHaveTextOptions TextTimeout = new() { Timeout = (float)ConsolePage.Timeout.TotalMilliseconds };

    [Fact]
    public async Task RefusedStreamShowsTheSilosProblemDetailAndStopsReconnectingUntilConnectIsClickedAgain()
    {
        await using var cluster = await BrowserCluster.StartAsync();
        // Count the page's EventSources, and put its timers on Playwright's clock so the test can
        // run the page's reconnect backoff forward instead of waiting for it.
        await using var page = await ConsolePage.OpenAsync(
            chromium.Browser, cluster.Silos[0].BaseAddress, "client_id=web-refused&groups=room-1,bad%20group", output,
            nameof(RefusedStreamShowsTheSilosProblemDetailAndStopsReconnectingUntilConnectIsClickedAgain),
            async p =>
            {
                await p.AddInitScriptAsync(
                    """
                    window.eventSources = 0;
                    const Native = window.EventSource;
                    window.EventSource = class extends Native { constructor(...args) { super(...args); window.eventSources++; } };
                    """);
                await p.Clock.InstallAsync();
            });

        await page.ExpectStateAsync("refused");
        // The silo's problem body for an invalid name in groups= (400), as the page shows it.
        var reason = page.Page.Locator("#state-reason");
        await Expect(reason).ToBeVisibleAsync();
        await Expect(reason).ToContainTextAsync("400 Invalid request: 'groups' must be 1-128 characters of ASCII letters, digits and -_.:@", new() { Timeout = TextTimeout.Timeout });
        Assert.True(await page.Page.IsEnabledAsync("#connect"), "Connect is enabled again after a refusal");

        // A minute of the page's timers later it has not opened another EventSource.
        await page.Page.Clock.RunForAsync(60_000);
        Assert.Equal(1, await page.Page.EvaluateAsync<int>("() => window.eventSources"));
        await page.ExpectStateAsync("refused");

        // Fixing the field and clicking Connect opens the stream and clears the reason.
        await page.Page.FillAsync("#groups", "room-1");
        await page.Page.ClickAsync("#connect");
        await page.ExpectStateAsync("open");
        await page.WaitForConnectedCountAsync(1);
        await Expect(reason).ToBeHiddenAsync();
        Assert.Equal(2, await page.Page.EvaluateAsync<int>("() => window.eventSources"));
        page.AssertNoScriptErrors();
    }

    [Fact]
    public async Task GroupsJoinedOnConnectShowAndAnEventNameSentFromThePageIsListenedToAndClearResetsTheCount()
    {
        await using var cluster = await BrowserCluster.StartAsync();
        await using var page = await ConsolePage.OpenAsync(
            chromium.Browser, cluster.Silos[0].BaseAddress, "client_id=web-controls&autoconnect=0", output,
            nameof(GroupsJoinedOnConnectShowAndAnEventNameSentFromThePageIsListenedToAndClearResetsTheCount),
            beforeLoad: null);
        await page.ExpectStateAsync("closed");

        await page.Page.FillAsync("#groups", "room-c1, room-c2");
        await page.Page.ClickAsync("#connect");
        await page.ExpectStateAsync("open");
        await page.WaitForConnectedCountAsync(1);
        await Expect(page.Page.Locator("#my-groups")).ToHaveTextAsync("room-c1, room-c2", TextTimeout);

        // "price" is in no listener list: sending it from the page adds one before it is sent.
        Assert.Equal("", await page.Page.InputValueAsync("#extra-events"));
        await page.Page.FillAsync("#send-event", "price");
        await page.Page.FillAsync("#send-data", "42");
        var priceId = await page.SubmitSendFormAsync();
        await page.WaitForEventIdAsync(priceId);
        var price = Assert.Single(await page.ReadLogAsync(), r => r.Id == priceId);
        Assert.Equal(("price", "42"), (price.Event, price.Data));
        Assert.Equal("price", await page.Page.InputValueAsync("#extra-events"));
        await Expect(page.Page.Locator("#log-count")).ToHaveTextAsync("2", TextTimeout);

        await page.Page.ClickAsync("#clear-log");
        Assert.Empty(await page.ReadLogAsync());
        await Expect(page.Page.Locator("#log-count")).ToHaveTextAsync("0", TextTimeout);
        Assert.Equal("0", await page.Page.GetAttributeAsync("#log", "data-count"));

        // Counting starts over: the next event is number 1.
        var nextId = await new SiloApi(cluster.Silos[0].Http).SendAsync("web-controls", "after clear");
        await page.WaitForEventIdAsync(nextId.Id);
        await Expect(page.Page.Locator("#log-count")).ToHaveTextAsync("1", TextTimeout);
        page.AssertNoScriptErrors();
    }
}

using System.Globalization;
using OrleansSse.Testing;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace OrleansSse.Browser.Tests;

/// <summary>
/// The demo page on a refused stream that retrying can help (README "The demo page"): 429 and 503
/// keep retrying with backoff, never sooner than <c>Retry-After</c>. The silo says 3 s (longer than
/// the page's own first backoff of 1 s); the page's EventSources and the answers to its probes (a
/// fetch of the stream's URL) are timed in the page. Real time: the bound is a lower one, which a slow machine cannot break.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class RetryBackoffTests(ChromiumFixture chromium, ITestOutputHelper output)
{
    private const int RetryAfterSeconds = 3;

    [Theory]
    [InlineData("MaxConnectionsPerClient", 429)]
    [InlineData("MaxConnections", 503)]
    public async Task ARefusedStreamIsRetriedNoSoonerThanRetryAfterAndOpensOnceASlotIsFree(string limit, int status)
    {
        await using var cluster = await SseTestCluster.StartAsync(new SseTestClusterOptions
        {
            Settings =
            {
                ["OrleansSse:Limits:" + limit] = "1",
                ["OrleansSse:Limits:RetryAfterSeconds"] = RetryAfterSeconds.ToString(CultureInfo.InvariantCulture),
            },
        });
        var silo = cluster.Silos[0];
        var holder = await cluster.ConnectAsync(0, "web-busy"); // takes the only slot
        await using var page = await ConsolePage.OpenAsync(
            chromium.Browser, silo.BaseAddress, "client_id=web-busy", output, $"{nameof(ARefusedStreamIsRetriedNoSoonerThanRetryAfterAndOpensOnceASlotIsFree)}-{status}",
            p => p.AddInitScriptAsync(
                """
                window.eventSourceTimes = [];
                const NativeEventSource = window.EventSource;
                window.EventSource = class extends NativeEventSource {
                  constructor(...args) { super(...args); window.eventSourceTimes.push(performance.now()); }
                };
                window.probeAnswerTimes = [];
                const nativeFetch = window.fetch;
                window.fetch = async (...args) => {
                  const response = await nativeFetch(...args);
                  if (String(args[0]).includes("/api/sse?")) window.probeAnswerTimes.push(performance.now());
                  return response;
                };
                """));

        var reason = page.Page.Locator("#state-reason");
        await Expect(reason).ToContainTextAsync($"{status} ", new() { Timeout = (float)ConsolePage.Timeout.TotalMilliseconds });
        await Expect(reason).ToContainTextAsync($"(retrying in {RetryAfterSeconds} s)", new() { Timeout = (float)ConsolePage.Timeout.TotalMilliseconds });
        await page.ExpectStateAsync("reconnecting");

        await holder.DisposeAsync();
        await page.ExpectStateAsync("open");
        await page.WaitForConnectedCountAsync(1);

        var eventSources = await page.Page.EvaluateAsync<double[]>("() => window.eventSourceTimes");
        var answers = await page.Page.EvaluateAsync<double[]>("() => window.probeAnswerTimes");
        output.WriteLine($"EventSources at {string.Join(", ", eventSources)} ms; probe answers at {string.Join(", ", answers)} ms");
        Assert.True(eventSources.Length >= 2, "the page opened no second EventSource");
        for (var i = 1; i < eventSources.Length; i++)
        {
            // Each reopen waits Retry-After from the probe answer that told it (timers never fire early; 20 ms for clock granularity).
            var told = answers.Where(a => a < eventSources[i]).DefaultIfEmpty(double.NaN).Max();
            Assert.True(eventSources[i] - told >= RetryAfterSeconds * 1000 - 20,
                $"EventSource {i + 1} opened {eventSources[i] - told:F0} ms after the refusal's answer, sooner than Retry-After: {RetryAfterSeconds} s");
        }

        page.AssertNoScriptErrors();
    }
}

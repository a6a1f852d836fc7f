using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace OrleansSse.Browser.Tests;

/// <summary>
/// The demo console (<c>/</c>) open in its own Chromium context. Waits go through Playwright
/// (<c>Expect</c>, <c>WaitForFunction</c>) with <see cref="Timeout"/>; nothing sleeps. Records every
/// response to <c>GET /api/sse</c> so a test can read the headers the browser sent. Disposing saves
/// a screenshot (pass or fail) and closes the context.
/// </summary>
internal sealed class ConsolePage : IAsyncDisposable
{
    /// <summary>How long any single expected change on the page may take.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    private readonly IBrowserContext _context;
    private readonly ITestOutputHelper _output;
    private readonly string _screenshotName;
    private readonly ConcurrentQueue<IResponse> _streamResponses = new();
    private readonly ConcurrentQueue<string> _scriptErrors = new();

    private readonly bool _ownsContext;

    private ConsolePage(IBrowserContext context, IPage page, ITestOutputHelper output, string screenshotName, bool ownsContext = true)
    {
        _context = context;
        _ownsContext = ownsContext;
        Page = page;
        _output = output;
        _screenshotName = screenshotName;
        page.Console += (_, message) => Output($"console.{message.Type}: {message.Text}");
        page.PageError += (_, error) =>
        {
            _scriptErrors.Enqueue(error);
            Output($"page error: {error}");
        };
        page.Response += (_, response) =>
        {
            if (response.Status >= 400)
            {
                Output($"HTTP {response.Status} {response.Request.Method} {response.Url}");
            }

            if (new Uri(response.Url).AbsolutePath == "/api/sse")
            {
                _streamResponses.Enqueue(response);
            }
        };
    }

    /// <summary>The Playwright page.</summary>
    public IPage Page { get; }

    /// <summary>The responses to <c>GET /api/sse</c> so far, in arrival order.</summary>
    public IReadOnlyList<IResponse> StreamResponses => [.. _streamResponses];

    /// <summary>Opens <c>{silo}/?client_id={clientId}</c> (or <c>/</c> when null: the page makes up an id); the page connects by itself.</summary>
    public static Task<ConsolePage> OpenAsync(IBrowser browser, Uri silo, string? clientId, ITestOutputHelper output, string screenshotName) =>
        OpenAsync(browser, silo, clientId is null ? "" : "client_id=" + Uri.EscapeDataString(clientId), output, screenshotName, beforeLoad: null);

    /// <summary>
    /// Opens <c>{silo}/?{query}</c> (the page reads <c>client_id</c>, <c>groups</c>, <c>events</c> and
    /// <c>autoconnect=0</c> from it), after <paramref name="beforeLoad"/> prepared the page (init
    /// scripts, Playwright's clock).
    /// </summary>
    public static async Task<ConsolePage> OpenAsync(
        IBrowser browser, Uri silo, string query, ITestOutputHelper output, string screenshotName, Func<IPage, Task>? beforeLoad)
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 1000 } });
        context.SetDefaultTimeout((float)Timeout.TotalMilliseconds);
        var page = await context.NewPageAsync();
        var console = new ConsolePage(context, page, output, screenshotName);
        if (beforeLoad is not null)
        {
            await beforeLoad(page);
        }

        var response = await page.GotoAsync(new Uri(silo, query.Length == 0 ? "/" : "/?" + query).ToString());
        Assert.True(response is { Ok: true }, $"GET / answered {response?.Status}");
        return console;
    }

    /// <summary>Opens <c>/</c> in a second tab of the same browser (same origin, same cookies and local storage).</summary>
    public async Task<ConsolePage> OpenAnotherTabAsync(Uri silo, string screenshotName)
    {
        var page = await _context.NewPageAsync();
        var tab = new ConsolePage(_context, page, _output, screenshotName, ownsContext: false);
        var response = await page.GotoAsync(new Uri(silo, "/").ToString());
        Assert.True(response is { Ok: true }, $"GET / answered {response?.Status}");
        return tab;
    }

    /// <summary>Waits until <c>#state</c> shows <paramref name="state"/> (closed, connecting, open, reconnecting).</summary>
    public Task ExpectStateAsync(string state) =>
        Expect(Page.Locator("#state")).ToHaveAttributeAsync("data-state", state, new() { Timeout = Ms(Timeout) });

    /// <summary>Waits until <c>#connected-info</c> says the last <c>connected</c> event had this <c>recovered</c> value.</summary>
    public Task ExpectRecoveredAsync(bool recovered) =>
        Expect(Page.Locator("#connected-info")).ToHaveAttributeAsync("data-recovered", recovered ? "true" : "false", new() { Timeout = Ms(Timeout) });

    /// <summary>Waits until a log row carries the event id <paramref name="id"/>.</summary>
    public Task WaitForEventIdAsync(string id) =>
        Page.WaitForFunctionAsync(
            "id => [...document.querySelectorAll('#log .log-row')].some(r => r.dataset.id === id)",
            id,
            new() { Timeout = Ms(Timeout), PollingInterval = 50 });

    /// <summary>Waits until <paramref name="count"/> <c>connected</c> rows are in the log.</summary>
    public Task WaitForConnectedCountAsync(int count) =>
        Page.WaitForFunctionAsync(
            "n => document.querySelectorAll('#log .log-row[data-event=\"connected\"]').length >= n",
            count,
            new() { Timeout = Ms(Timeout), PollingInterval = 50 });

    /// <summary>Every row of the event log, top to bottom.</summary>
    public async Task<IReadOnlyList<LogRow>> ReadLogAsync()
    {
        var rows = await Page.EvaluateAsync<JsonElement>(
            """
            () => [...document.querySelectorAll('#log .log-row')].map(r =>
                [r.dataset.event, r.dataset.id, r.querySelector('.log-data').textContent])
            """);
        return [.. rows.EnumerateArray().Select(r => new LogRow(r[0].GetString()!, r[1].GetString()!, r[2].GetString()!))];
    }

    /// <summary>The ids of the log's rows that carry one (everything but <c>connected</c>), top to bottom.</summary>
    public async Task<IReadOnlyList<string>> ReadEventIdsAsync() =>
        [.. (await ReadLogAsync()).Where(r => r.Id.Length > 0).Select(r => r.Id)];

    /// <summary>Clicks Send and returns the event id from <c>#send-result</c> ("202 {json}").</summary>
    public async Task<string> SubmitSendFormAsync()
    {
        var result = Page.Locator("#send-result");
        await Page.EvaluateAsync("() => { document.getElementById('send-result').textContent = ''; }");
        await Page.ClickAsync("#send");
        await Expect(result).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^202 "), new() { Timeout = Ms(Timeout) });
        var text = await result.TextContentAsync() ?? "";
        using var json = JsonDocument.Parse(text["202 ".Length..]);
        return json.RootElement.GetProperty("id").GetString()!;
    }

    /// <summary>Fails when the page's script threw an uncaught exception so far.</summary>
    public void AssertNoScriptErrors() =>
        Assert.True(_scriptErrors.IsEmpty, "the page's script threw: " + string.Join(" | ", _scriptErrors));

    /// <summary>Writes a line to the test's output.</summary>
    public void Output(string line)
    {
        try
        {
            _output.WriteLine(line);
        }
        catch (InvalidOperationException)
        {
            // The test has already finished; late browser messages are dropped.
        }
    }

    /// <summary>Saves the screenshot (also when the test failed) and closes the context.</summary>
    public async ValueTask DisposeAsync()
    {
        var path = Artifacts.PathFor(_screenshotName + ".png");
        try
        {
            await Page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
            Output($"screenshot: {path}");
        }
        catch (PlaywrightException ex)
        {
            Output($"screenshot failed: {ex.Message}");
        }

        if (_ownsContext)
        {
            await _context.CloseAsync();
        }
        else
        {
            await Page.CloseAsync();
        }
    }

    private static float Ms(TimeSpan span) => (float)span.TotalMilliseconds;
}

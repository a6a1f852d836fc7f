using System.Text.Json;
using OrleansSse.Ai;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace OrleansSse.Browser.Tests;

/// <summary>The AI chat box: the answer streams into the page as it is generated.</summary>
[Collection(BrowserCollection.Name)]
public sealed class AiStreamingTests(ChromiumFixture chromium, ITestOutputHelper output)
{
    [Fact]
    public async Task AiAnswerGrowsInThePageTokenByTokenAndEndsWithTheFullText()
    {
        const string prompt = "How does a browser resume a server-sent event stream?";
        await using var cluster = await BrowserCluster.StartAsync();
        await using var page = await ConsolePage.OpenAsync(
            chromium.Browser, cluster.Silos[0].BaseAddress, "web-ai", output, nameof(AiAnswerGrowsInThePageTokenByTokenAndEndsWithTheFullText));
        await page.ExpectStateAsync("open");
        await page.WaitForConnectedCountAsync(1);

        // Record every change of the answer box in the page itself: its text length and status.
        await page.Page.EvaluateAsync(
            """
            () => {
                const answer = document.getElementById('ai-answer');
                window.aiChanges = [];
                new MutationObserver(() => window.aiChanges.push([answer.textContent.length, answer.dataset.status]))
                    .observe(answer, { childList: true, characterData: true, subtree: true, attributes: true });
            }
            """);
        await page.Page.FillAsync("#ai-prompt", prompt);
        await page.Page.ClickAsync("#ai-send");

        await Expect(page.Page.Locator("#ai-answer")).ToHaveAttributeAsync("data-status", "done", new() { Timeout = 30_000 });
        var expected = SimulatedChatClient.ComposeAnswer(prompt);
        Assert.Equal(expected, await page.Page.TextContentAsync("#ai-answer"));
        await Expect(page.Page.Locator("#ai-result")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^202"));

        var changes = (await page.Page.EvaluateAsync<JsonElement>("() => window.aiChanges"))
            .EnumerateArray().Select(c => (Length: c[0].GetInt32(), Status: c[1].GetString())).ToList();
        output.WriteLine($"answer changes (length/status): {string.Join(" ", changes.Select(c => $"{c.Length}/{c.Status}"))}");
        var intermediate = changes.Where(c => c.Status == "streaming" && c.Length > 0 && c.Length < expected.Length)
            .Select(c => c.Length).Distinct().ToList();
        Assert.True(intermediate.Count >= 3, $"expected the answer to grow through at least 3 partial lengths, saw {intermediate.Count}");
        Assert.Equal(intermediate.Order(), intermediate); // it only grows
        Assert.Equal("done", changes[^1].Status);

        var aiRows = (await page.ReadLogAsync()).Where(r => r.Event == "ai_response").ToList();
        Assert.True(aiRows.Count >= intermediate.Count + 1, $"{aiRows.Count} ai_response rows in the log");
        page.AssertNoScriptErrors();
    }
}
